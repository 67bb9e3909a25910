import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CaseResult } from "../../harness/model/case-result.ts";
import { runCli } from "./cli.ts";

/** Run a shipped scenario through the CLI into a fresh folder; its cases and a reader of its files. */
export async function runShippedScenario(name: string, timeoutMs: number, extraArgs: string[] = []) {
  const out = await mkdtemp(path.join(tmpdir(), `rootload-${name}-`));
  const r = await runCli(["run", `scenarios/${name}.scenario.ts`, "--out", out, ...extraArgs], timeoutMs);
  const dir = path.join(out, readdirSync(out)[0]!);
  const cases = readFileSync(path.join(dir, "cases.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as CaseResult);
  return { r, dir, cases, read: (f: string) => readFileSync(path.join(dir, f), "utf8") };
}
