import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import { runCli } from "../../support/cli.ts";
import { comparable } from "../../support/comparable-run.ts";

const ids = (dir: string) =>
  readFileSync(path.join(dir, "cases.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as CaseResult).id);

/** Plan, shards and merge are about cases and outcomes: every run here is functional-only. */
describe("--shard and merge", () => {
  it("two shards cover the plan once; merge joins them into one run that reports", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rootload-shard-"));
    const dirs: string[] = [];
    for (const shard of ["1/2", "2/2"]) {
      const o = path.join(out, shard.replace("/", "of"));
      const r = await runCli(
        ["run", "scenarios/quickstart.scenario.ts", "--shard", shard, "--out", o, "--quiet", "--no-latency"],
        120_000,
      );
      expect(r.code, r.stderr).toBe(0);
      dirs.push(path.join(o, readdirSync(o)[0]!));
    }
    const [a, b] = dirs.map(ids);
    expect(a!.filter((id) => b!.includes(id))).toEqual([]);
    const merged = path.join(out, "merged");
    const m = await runCli(["merge", "-o", merged, ...dirs]);
    expect(m.code, m.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(merged, "manifest.json"), "utf8"));
    expect(ids(merged).sort()).toEqual([...a!, ...b!].sort());
    expect(manifest.plannedCases).toBe(a!.length + b!.length);
    expect(manifest.shard).toBeUndefined();
    // The merged run reports exactly what a single run of the whole plan reports: the same cases
    // and outcomes in plan order (run ids, timestamps and latency figures aside).
    const single = path.join(out, "single");
    const one = await runCli(
      ["run", "scenarios/quickstart.scenario.ts", "--out", single, "--quiet", "--no-latency"],
      120_000,
    );
    expect(one.code, one.stderr).toBe(0);
    const singleDir = path.join(single, readdirSync(single)[0]!);
    const [mergedJson, singleJson] = await Promise.all(
      [merged, singleDir].map(async (d) => {
        const r = await runCli(["report", d, "--format", "json"]);
        expect(r.code, r.stderr).toBe(0);
        return comparable(JSON.parse(r.stdout));
      }),
    );
    expect((mergedJson as { cases: unknown[] }).cases.length).toBe(a!.length + b!.length);
    expect(mergedJson).toEqual(singleJson);
    const md = await runCli(["report", merged, "--format", "md"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`${a!.length + b!.length} cases`);
    // Shards of different scenarios do not merge.
    const other = path.join(out, "other");
    await runCli(
      ["run", "scenarios/regression.scenario.ts", "--out", other, "--quiet", "--no-latency"],
      120_000,
    );
    const bad = await runCli([
      "merge",
      "-o",
      path.join(out, "bad"),
      dirs[0]!,
      path.join(other, readdirSync(other)[0]!),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/different scenario/);
  }, 240_000);
});
