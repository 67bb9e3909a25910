/**
 * The shipped `growth` sweep (every container server × 17 root-list steps × TLS 1.2/1.3 ×
 * all/none) end to end, twice in one process: serial (`--jobs 1`) and parallel (the default
 * jobs), so the speedup is a ratio of two runs on the same machine at the same time:
 * `node --import tsx bench/growth.bench.ts`.
 *
 * Figures:
 * - growthParallelSpeedup = serial wall / parallel wall (goal ≥ 2.0 on 2 cores);
 * - growthLatencyAgreement = median over cases of (parallel p50 / serial p50): latency samples
 *   are taken in exclusive windows, so it should be 1 within run-to-run noise (goal 0.85..1.15,
 *   the ±15 % a handshake figure varies between two serial runs on 2 shared cores);
 * - what bounds the parallel run: the exclusive latency windows (they cannot overlap) and the
 *   slowest server instance's series (it cannot be split within one run).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CaseResult } from "../harness/model/case-result.ts";
import { defaultJobs } from "../harness/run/parallel-series.ts";
import { runScenario } from "../harness/run/runner.ts";
import { type Figure, recordFigures } from "./record.ts";

const SCENARIO = path.resolve(import.meta.dirname, "../scenarios/growth.scenario.ts");
const round1 = (ms: number) => Math.round(ms / 100) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN;
};

const out = await mkdtemp(path.join(tmpdir(), "rootload-bench-growth-"));
try {
  const jobs = Number(process.env.ROOTLOAD_BENCH_JOBS) || defaultJobs();
  const serial = await runScenario({ scenarioFile: SCENARIO, outRoot: path.join(out, "serial"), jobs: 1 });
  const parallel = await runScenario({ scenarioFile: SCENARIO, outRoot: path.join(out, "parallel"), jobs });

  // Latency agreement, case by case (only cases that got a sample in both runs).
  const p50 = new Map(serial.ran.filter((c) => c.latency).map((c) => [c.id, c.latency!.p50Ms]));
  const ratios = parallel.ran
    .filter((c): c is CaseResult & { latency: NonNullable<CaseResult["latency"]> } =>
      Boolean(c.latency && p50.get(c.id)),
    )
    .map((c) => c.latency.p50Ms / p50.get(c.id)!);
  const agreement = median(ratios);
  const within = ratios.filter((r) => r >= 0.85 && r <= 1.15).length;
  // Floors of the parallel wall time: the exclusive latency windows add up, and one instance's
  // series runs start to finish on one server (its serial-run cost, from the serial cases).
  const perServer = new Map<string, number>();
  for (const c of serial.ran) perServer.set(c.server, (perServer.get(c.server) ?? 0) + c.durationMs);
  const [slowest, slowestMs] = [...perServer].sort((a, b) => b[1] - a[1])[0] ?? ["-", 0];
  const speedup = serial.phases.totalMs / parallel.phases.totalMs;
  // Cases whose outcome class differs between the two runs. A server-error or timeout on either
  // side is the machine (a container that died or did not start in time), not the schedule.
  const serialOutcome = new Map(serial.ran.map((c) => [c.id, c.outcome.class]));
  const differing = parallel.ran.filter((c) => serialOutcome.get(c.id) !== c.outcome.class);
  const flaky = (cls: string | undefined) => cls === "server-error" || cls === "timeout";
  const unexplained = differing.filter((c) => !flaky(c.outcome.class) && !flaky(serialOutcome.get(c.id)));
  for (const c of differing)
    console.log(`outcome differs: ${c.id}: serial ${serialOutcome.get(c.id)}, parallel ${c.outcome.class}`);
  const sameOutcomes = unexplained.length === 0;

  const figures: Record<string, Figure> = {
    growthSweepSeconds: {
      value: round1(parallel.phases.totalMs),
      unit: "s",
      goal: "< 240",
      note: `${parallel.ran.length} cases, runtime ${parallel.manifest.runtime}, jobs ${jobs}`,
    },
    growthSerialSeconds: { value: round1(serial.phases.totalMs), unit: "s", note: "jobs 1" },
    growthParallelSpeedup: {
      value: Math.round(speedup * 100) / 100,
      unit: "×",
      goal: "≥ 2.0",
      note: `serial ${round1(serial.phases.totalMs)} s / parallel ${round1(parallel.phases.totalMs)} s, jobs ${jobs}`,
    },
    growthLatencyAgreement: {
      value: Math.round(agreement * 1000) / 1000,
      unit: "parallel p50 / serial p50, median over cases",
      goal: "0.85..1.15",
      note: `${within} of ${ratios.length} cases within ±15 %`,
    },
    growthParallelFloor: {
      value: round1(Math.max(parallel.phases.latency, slowestMs)),
      unit: "s",
      note: `exclusive latency windows ${round1(parallel.phases.latency)} s; slowest series ${slowest} ${round1(slowestMs)} s (serial run)`,
    },
    growthOutcomesDiffering: {
      value: unexplained.length,
      unit: "cases",
      goal: "0",
      note: `${differing.length} differ in all, ${differing.length - unexplained.length} with a server-error or timeout on one side`,
    },
  };
  for (const [name, run] of [
    ["serial", serial],
    ["parallel", parallel],
  ] as const)
    for (const [k, v] of Object.entries(run.phases))
      if (k !== "totalMs") figures[`growthPhase.${name}.${k}`] = { value: round1(v), unit: "s" };
  console.table(
    Object.fromEntries(
      Object.keys(serial.phases).map((k) => [
        k,
        {
          "serial s": round1(serial.phases[k as keyof typeof serial.phases]),
          "parallel s (summed over series)": round1(parallel.phases[k as keyof typeof parallel.phases]),
        },
      ]),
    ),
  );
  console.table(
    Object.fromEntries(
      Object.entries(figures).map(([k, f]) => [k, { value: f.value, unit: f.unit, note: f.note ?? "" }]),
    ),
  );
  recordFigures("growth", figures);
  if (parallel.phases.totalMs > 240_000 || !sameOutcomes) process.exitCode = 1;
} finally {
  await rm(out, { recursive: true, force: true });
}
