import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files measured longest (vitest JSON report of a clean-clone `.ci/run`, 2026-12-07 20:57:
 * 214, 175, 131, 99, 87, 58, 50, 48, 47, 47, 46, 44, 42, 37, 35 s, then the rest), started first. A clean checkout has no
 * duration cache, so vitest would order by file size: the 280-second growth sweep would start
 * minutes in and run alone at the end, and a 30-second file picked last leaves one worker idle.
 */
const LONGEST_FIRST = [
  "test/integration/run/scenario-growth.test.ts",
  "test/integration/servers/container-runtime.test.ts",
  "test/integration/own/installed-package.test.ts",
  "test/integration/own/templates.test.ts",
  "test/integration/servers/process-runtime.test.ts",
  "test/integration/run/scenario-clients.test.ts",
  // Not in the report above (new): two reduced growth runs, with and without latency.
  "test/integration/run/no-latency.test.ts",
  "test/reliability/run-folder.test.ts",
  "test/integration/check/fix.test.ts",
  "test/integration/run/shard-merge.test.ts",
  "test/integration/run/bisect.test.ts",
  "test/integration/check/limits.test.ts",
  "test/integration/own/ci-flow.test.ts",
  "test/reliability/kill-and-resume.test.ts",
  "test/reliability/hostile-configs.test.ts",
  "test/integration/own/endpoint.test.ts",
  "test/integration/own/endpoint-starttls.test.ts",
  "test/integration/run/scenario-kb2801679.test.ts",
  "test/reliability/hostile-starttls-mail.test.ts",
  "test/integration/own/image.test.ts",
  "test/integration/probe/starttls-mail.test.ts",
  "test/reliability/run-dir.test.ts",
  "test/reliability/bad-input.test.ts",
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((l) => f.moduleId.endsWith(l));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // Array sort is stable: the rest keep vitest's own order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  resolve: {
    // Scenario files import rootload by name: in tests that is these sources, never a dist/ build
    // (which may be missing or older than the sources).
    alias: [{ find: /^rootload$/, replacement: fileURLToPath(new URL("harness/index.ts", import.meta.url)) }],
  },
  test: {
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real servers and containers share 2 cores: keep files from starving each other.
    maxWorkers: 2,
    fileParallelism: true,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        // Unit tests start no server and change no process-wide state: one worker process runs
        // many of them (measured on test/unit: 53.8 → 33.6 s, 94 → 58 s of CPU, the difference
        // being a fresh process and module graph per file).
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], isolate: false },
      },
      {
        extends: true,
        // Everything that starts servers, spawns the CLI or changes the environment: a fresh
        // process per file.
        test: { name: "integration", include: ["test/**/*.test.ts"], exclude: ["test/unit/**"] },
      },
    ],
  },
});
