import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import { runCli } from "../../support/cli.ts";

const ids = (dir: string) =>
  readFileSync(path.join(dir, "cases.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as CaseResult).id);

describe("--shard and merge", () => {
  it("two shards cover the plan once; merge joins them into one run that reports", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rootload-shard-"));
    const dirs: string[] = [];
    for (const shard of ["1/2", "2/2"]) {
      const o = path.join(out, shard.replace("/", "of"));
      const r = await runCli(
        ["run", "scenarios/quickstart.scenario.ts", "--shard", shard, "--out", o, "--quiet"],
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
    const md = await runCli(["report", merged, "--format", "md"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`${a!.length + b!.length} cases`);
    // Shards of different scenarios do not merge.
    const other = path.join(out, "other");
    await runCli(["run", "scenarios/regression.scenario.ts", "--out", other, "--quiet"], 120_000);
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
