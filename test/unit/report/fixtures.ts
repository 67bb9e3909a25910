import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunRecord } from "../../../harness/model/run-manifest.ts";
import { readRun } from "../../../harness/run/run-dir.ts";

/** The committed run directories (see test/fixtures/runs/fixture-runs.ts). */
export const RUNS_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/runs");

/** Read a fixture run; warnings are collected instead of logged. */
export async function fixtureRun(
  name: "baseline" | "regressed" | "torn",
): Promise<RunRecord & { warnings: string[] }> {
  const warnings: string[] = [];
  const run = await readRun(join(RUNS_DIR, name), { onWarning: (m) => warnings.push(m) });
  return { ...run, warnings };
}
