import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files measured longest (vitest JSON report of a clean-clone `.ci/run`, 2026-11-28: 180, 102,
 * 73, 62, 59, 45, 42, 41 s), started first. A clean checkout has no duration cache, so vitest
 * would order by file size and start the 180-second growth sweep seven minutes in, leaving it to
 * run alone at the end (661 s for 1,157 s of file time on 2 workers).
 */
const LONGEST_FIRST = [
  "test/integration/run/scenario-growth.test.ts",
  "test/integration/servers/container-runtime.test.ts",
  "test/integration/own/templates.test.ts",
  "test/integration/run/scenario-clients.test.ts",
  "test/integration/servers/process-runtime.test.ts",
  "test/integration/check/limits.test.ts",
  "test/reliability/kill-and-resume.test.ts",
  "test/integration/run/bisect.test.ts",
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
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real servers and containers share 2 cores: keep files from starving each other.
    maxWorkers: 2,
    fileParallelism: true,
    sequence: { sequencer: LongestFirst },
  },
});
