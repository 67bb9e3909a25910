import { readdirSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";

const BASELINE = "results/baselines/regression";

async function runInto(scenario: string): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), "rootload-reg-"));
  const r = await runCli(["run", scenario, "--out", out, "--quiet"], 120_000);
  expect(r.code, r.stderr).toBe(0);
  return path.join(out, readdirSync(out)[0]!);
}

/** The config-regression use: a committed baseline run, and `compare` against it. */
describe("regression scenario against its committed baseline", () => {
  it("compare passes while the config is unchanged", async () => {
    const run = await runInto("scenarios/regression.scenario.ts");
    // Latency is not what this guards, and the test machine is loaded by parallel suites.
    const cmp = await runCli([
      "compare",
      BASELINE,
      run,
      "--json",
      "--latency-threshold",
      "400",
      "--latency-floor",
      "20",
    ]);
    expect(cmp.code, cmp.stdout).toBe(0);
    expect(JSON.parse(cmp.stdout)).toMatchObject({ regression: false, matched: 2, removed: [], added: [] });
  }, 120_000);

  it("compare fails when the config is changed to advertise the full store", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-reg-"));
    const changed = path.join(dir, "regression.scenario.json");
    await writeFile(
      changed,
      JSON.stringify({
        name: "regression",
        runtime: "process",
        servers: [{ driver: "openssl", policy: "all" }],
        roots: {
          source: { kind: "certdata", path: "mozilla:2025-06-19" },
          clientIssuer: "first",
        },
        clients: ["node"],
        latency: false, // a changed list is an outcome
      }),
    );
    const run = await runInto(changed);
    const cmp = await runCli(["compare", BASELINE, run]);
    expect(cmp.code).toBe(1);
    expect(cmp.stdout).toMatch(/❌ 2 baseline case\(s\) gone/);
    expect(cmp.stdout).toContain("openssl/1.2/node/truncate-bytes:200/n=143");
  }, 120_000);
});
