import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** One measured figure, with its unit and, where there is one, the goal it is held to. */
export interface Figure {
  value: number;
  unit: string;
  /** e.g. "≤ 50" or "≥ 1.0" */
  goal?: string;
  note?: string;
}

export const BENCH_DIR = path.resolve(import.meta.dirname, "../results/bench");

/**
 * Save a bench script's figures as results/bench/<name>.json; `npm run bench` joins them into
 * results/bench/latest.json. Printing stays the script's business (tinybench tables).
 */
export function recordFigures(name: string, figures: Record<string, Figure>): void {
  mkdirSync(BENCH_DIR, { recursive: true });
  const doc = { name, measuredAt: new Date().toISOString(), node: process.versions.node, figures };
  writeFileSync(path.join(BENCH_DIR, `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`);
}
