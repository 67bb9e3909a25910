/**
 * Root-store timings: `node --import tsx bench/roots.bench.ts`.
 * Targets (DESIGN: sweeps rebuild stores often): parse + resolve the 2025-06-16 CTL ≤ 50 ms;
 * 20,000 synthetic roots ≤ 5 s. Exit code 1 when a target is missed.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { loadCtl, readCtl } from "../harness/roots/load-ctl.ts";
import { syntheticRoots } from "../harness/roots/synthetic.ts";
import { type Figure, recordFigures } from "./record.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.resolve(repoRoot, "../shared/data/rootstores/microsoft/2025-06-16");
const stl = path.join(dir, "authroot.stl");
const cab = path.join(dir, "authrootstl.cab");

/** name → target mean in ms */
const targets: Record<string, number> = {
  "ctl 2025-06-16 parse + resolve 514 certs (.stl)": 50,
  "synthetic 20,000 roots": 5_000,
};

const fast = new Bench({ name: "ctl", time: 2_000, iterations: 20, warmupIterations: 3, throws: true })
  .add("ctl 2025-06-16 parse + verify only (.stl)", () => {
    readCtl(stl);
  })
  .add("ctl 2025-06-16 parse + resolve 514 certs (.stl)", () => {
    loadCtl({ kind: "ctl", path: stl, includeDisabled: true });
  })
  .add("ctl 2025-06-16 parse + resolve 514 certs (.cab)", () => {
    loadCtl({ kind: "ctl", path: cab, includeDisabled: true });
  });
const slow = new Bench({
  name: "synthetic",
  time: 0,
  iterations: 3,
  warmupIterations: 1,
  warmupTime: 0,
  throws: true,
}).add("synthetic 20,000 roots", () => {
  syntheticRoots({ count: 20_000, seed: 1 });
});

let missed = 0;
const figures: Record<string, Figure> = {};
for (const bench of [fast, slow]) {
  await bench.run();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== "completed") {
      console.log(`${task.name}: ${r.state}`);
      missed++;
      continue;
    }
    const mean = r.latency.mean;
    const target = targets[task.name];
    const verdict =
      target === undefined
        ? ""
        : mean <= target
          ? `  ok (target ≤ ${target} ms)`
          : `  MISSED (target ≤ ${target} ms)`;
    if (target !== undefined && mean > target) missed++;
    figures[task.name] = {
      value: Number(mean.toFixed(2)),
      unit: "ms",
      ...(target ? { goal: `≤ ${target}` } : {}),
    };
    console.log(
      `${task.name.padEnd(50)} mean ${mean.toFixed(1).padStart(8)} ms  p99 ${r.latency.p99.toFixed(1).padStart(8)} ms  n=${r.latency.samplesCount}${verdict}`,
    );
  }
}
recordFigures("roots", figures);
process.exitCode = missed ? 1 : 0;
