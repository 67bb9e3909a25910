import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "./cli.ts";
import { readCases, runDir } from "./run-files.ts";

/** Run a shipped scenario through the CLI into a fresh folder; its cases and a reader of its files. */
export async function runShippedScenario(name: string, timeoutMs: number, extraArgs: string[] = []) {
  const out = await mkdtemp(path.join(tmpdir(), `rootload-${name}-`));
  const r = await runCli(["run", `scenarios/${name}.scenario.ts`, "--out", out, ...extraArgs], timeoutMs);
  const dir = runDir(out);
  const cases = readCases(dir);
  return { r, dir, cases, read: (f: string) => readFileSync(path.join(dir, f), "utf8") };
}
