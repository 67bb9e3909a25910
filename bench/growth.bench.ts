/**
 * Wall time of the shipped `growth` sweep end to end (7 container servers × 17 root-list steps ×
 * TLS 1.2/1.3 × all/none = 442 cases), split into phases so the slow part shows:
 * `node --import tsx bench/growth.bench.ts`. Goal: under 4 minutes on 2 cores.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runScenario } from "../harness/run/runner.ts";
import { type Figure, recordFigures } from "./record.ts";

const out = await mkdtemp(path.join(tmpdir(), "rootload-bench-growth-"));
try {
  const summary = await runScenario({
    scenarioFile: path.resolve(import.meta.dirname, "../scenarios/growth.scenario.ts"),
    outRoot: out,
  });
  const { totalMs, ...parts } = summary.phases;
  const figures: Record<string, Figure> = {
    growthSweepSeconds: {
      value: Math.round(totalMs / 100) / 10,
      unit: "s",
      goal: "< 240",
      note: `${summary.ran.length} cases, runtime ${summary.manifest.runtime}`,
    },
  };
  for (const [k, v] of Object.entries(parts))
    figures[`growthPhase.${k}`] = { value: Math.round(v / 100) / 10, unit: "s" };
  console.table(
    Object.fromEntries(
      Object.entries(summary.phases).map(([k, v]) => [
        k,
        { seconds: (v / 1000).toFixed(1), share: `${((100 * v) / totalMs).toFixed(0)} %` },
      ]),
    ),
  );
  recordFigures("growth", figures);
  if (totalMs > 240_000) process.exitCode = 1;
} finally {
  await rm(out, { recursive: true, force: true });
}
