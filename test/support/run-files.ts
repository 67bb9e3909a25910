import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CaseResult } from "../../harness/model/case-result.ts";

/** A scenario (JSON) written into a fresh folder, and an `out` folder beside it for `run --out`. */
export async function writeScenario(
  body: object,
  prefix = "own",
  name = "own.scenario.json",
): Promise<{ dir: string; file: string; out: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), `rootload-${prefix}-`));
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return { dir, file, out: path.join(dir, "out") };
}

/** The one run folder a `run --out OUT` wrote. */
export const runDir = (out: string): string => path.join(out, readdirSync(out)[0]!);

/** A run folder's cases, read straight from its cases.jsonl (not through rootload's reader). */
export const readCases = (dir: string): CaseResult[] =>
  readFileSync(path.join(dir, "cases.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as CaseResult);
