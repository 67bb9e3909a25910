/**
 * The shipped `growth` sweep (every container server × 17 root-list steps × TLS 1.2/1.3 ×
 * all/none) end to end, serial (`--jobs 1`) and parallel (the default jobs) in one process, so
 * every figure is a ratio of runs on the same machine in the same bench run:
 * `node --import tsx bench/growth.bench.ts [--sections speedup,latency] [--servers a,b] [--jobs N]`
 * (or `npm run bench -- growth --sections latency`).
 *
 * Sections (default both):
 * - speedup: serial run, then parallel run; growthParallelSpeedup = serial wall / parallel wall
 *   (goal ≥ 2.0 on 2 cores). With latency too, the serial wall is the mean of the two serial runs.
 * - latency: serial A, parallel, serial B; growthLatencyAgreement compares the parallel p50s with
 *   the serial ones against the serial runs' own disagreement (see latency-agreement.ts for the
 *   definitions, the tolerance and why).
 * - functional: serial A, then a serial functional-only run (`--no-latency`): its wall time and
 *   core-seconds beside serial A's, and the cases whose outcome, lists or sizes differ (goal 0).
 *
 * Every serial run counts its cost: growthCoreSeconds, the machine's busy core-seconds over the
 * sweep (/proc/stat user+nice+system+irq+softirq+steal, / USER_HZ; other load on the machine
 * counts too, so the figure is only as clean as the machine is quiet), and the container
 * engine's share (dockerd, containerd, shims, runc, docker-proxy: engine-cpu.ts).
 * --servers keeps some of the scenario's servers (e.g. a quick latency check on nginx,openssl);
 * figures from a subset say so in their notes.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { CaseResult } from "../harness/model/case-result.ts";
import { defaultJobs } from "../harness/run/parallel-series.ts";
import { type FinishedRun, runScenario } from "../harness/run/runner.ts";
import { loadScenario } from "../harness/scenario/load-scenario.ts";
import { EngineCpu } from "./engine-cpu.ts";
import { latencyAgreement } from "./latency-agreement.ts";
import { type Figure, recordFigures } from "./record.ts";

const SCENARIO = path.resolve(import.meta.dirname, "../scenarios/growth.scenario.ts");
const SECTIONS = ["speedup", "latency", "functional"] as const;
const DEFAULT_SECTIONS = ["speedup", "latency"];
type Section = (typeof SECTIONS)[number];
const round1 = (ms: number) => Math.round(ms / 100) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function options(): { sections: Set<Section>; servers?: string[]; jobs: number } {
  let values: { sections?: string; servers?: string; jobs?: string };
  try {
    ({ values } = parseArgs({
      options: { sections: { type: "string" }, servers: { type: "string" }, jobs: { type: "string" } },
      strict: true,
    }));
  } catch (err) {
    console.error(`growth bench: ${(err as Error).message}`);
    process.exit(2);
  }
  const sections = new Set((values.sections ?? DEFAULT_SECTIONS.join(",")).split(",").map((s) => s.trim()));
  for (const s of sections)
    if (!SECTIONS.includes(s as Section)) {
      console.error(`growth bench: --sections "${s}" is not one of ${SECTIONS.join(", ")}`);
      process.exit(2);
    }
  const jobs = values.jobs ?? process.env.ROOTLOAD_BENCH_JOBS;
  if (jobs !== undefined && !(Number(jobs) >= 1 && Number.isInteger(Number(jobs)))) {
    console.error(`growth bench: --jobs "${jobs}" is not a whole number ≥ 1`);
    process.exit(2);
  }
  return {
    sections: sections as Set<Section>,
    ...(values.servers ? { servers: values.servers.split(",").map((s) => s.trim()) } : {}),
    jobs: jobs ? Number(jobs) : defaultJobs(),
  };
}

/** The growth scenario, or a JSON copy of it (paths already absolute) keeping some servers. */
async function scenarioFile(dir: string, servers?: string[]): Promise<string> {
  if (!servers) return SCENARIO;
  const { scenario } = await loadScenario(SCENARIO);
  const known = scenario.servers.map((s) => s.driver as string);
  for (const s of servers)
    if (!known.includes(s)) {
      console.error(`growth bench: --servers "${s}" is not one of ${known.join(", ")}`);
      process.exit(2);
    }
  const file = path.join(dir, "growth-subset.scenario.json");
  const subset = {
    ...scenario,
    servers: scenario.servers.filter((s) => servers.includes(s.driver as string)),
  };
  await writeFile(file, JSON.stringify(subset));
  return file;
}

/** Clock ticks per second of /proc/stat (USER_HZ: 100 on every Linux ABI). */
const USER_HZ = 100;

/**
 * The whole machine's CPU time, busy and in all, from /proc/stat (ticks). Busy: user + nice +
 * system + irq + softirq + steal (steal: a core taken by the host, busy elsewhere); idle and
 * iowait are not.
 */
function machineCpu(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * The sweep's own CPU, s: this process with its reaped descendants (clients, process-runtime
 * servers: /proc/self/stat utime+stime+cutime+cstime) and every container of the engine (the
 * cgroup v1 `docker` cpuacct parent, which keeps the usage of containers already removed; other
 * users' containers on the same engine count too). Undefined parts count 0 (no cgroup v1).
 */
function ownCpuSeconds(): number {
  const f = readFileSync("/proc/self/stat", "utf8");
  const x = f
    .slice(f.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  const self = (x[11]! + x[12]! + x[13]! + x[14]!) / USER_HZ;
  let containers = 0;
  try {
    containers = Number(readFileSync("/sys/fs/cgroup/cpuacct/docker/cpuacct.usage", "utf8")) / 1e9;
  } catch {
    // cgroup v2 or no engine: containers are not counted
  }
  return self + containers;
}

/** What a functional run judges of a case: outcome, lists and sizes (no times, no latency). */
const functionalFacts = (c: CaseResult) =>
  JSON.stringify({
    outcome: c.outcome,
    probe: c.probeOutcome.class,
    configured: c.configured,
    advertised: c.advertised && {
      count: c.advertised.count,
      bytes: c.advertised.bytes,
      messageBytes: c.advertised.messageBytes,
    },
    clientIssuerAdvertised: c.clientIssuerAdvertised,
    certificate: c.clientCertificate,
  }).replace(/\b[0-9A-F]{12,16}:error:/g, "…:error:");

const p50s = (run: FinishedRun) =>
  new Map(
    run.ran
      .filter((c): c is CaseResult & { latency: NonNullable<CaseResult["latency"]> } => Boolean(c.latency))
      .map((c) => [c.id, c.latency.p50Ms]),
  );

const opts = options();
const out = await mkdtemp(path.join(tmpdir(), "rootload-bench-growth-"));
try {
  const file = await scenarioFile(out, opts.servers);
  const subset = opts.servers ? `, servers ${opts.servers.join(",")}` : "";
  const run = async (name: string, jobs: number, measureLatency = true) => {
    const t0 = new Date();
    console.log(
      `growth bench: ${name} run (jobs ${jobs}${measureLatency ? "" : ", no latency"}) started ${t0.toISOString()}`,
    );
    const before = machineCpu();
    const ownBefore = ownCpuSeconds();
    const engine = new EngineCpu();
    const r = await runScenario({
      scenarioFile: file,
      outRoot: path.join(out, name),
      jobs,
      ...(measureLatency ? {} : { latency: false as const }),
    });
    const engineSeconds = engine.stop();
    const ownSeconds = ownCpuSeconds() - ownBefore;
    const after = machineCpu();
    // Cores in use on average over the run: the share of the machine's CPU time that was busy.
    const coresBusy = ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * cpus().length;
    const coreSeconds = (after.busy - before.busy) / USER_HZ;
    console.log(
      `growth bench: ${name} run ${round1(r.phases.totalMs)} s, ${r.ran.length} cases, ${coresBusy.toFixed(2)} of ${cpus().length} cores busy, ${coreSeconds.toFixed(1)} busy core-s (own ${ownSeconds.toFixed(1)}, engine ${engineSeconds.toFixed(1)})`,
    );
    return Object.assign(r, { coresBusy, coreSeconds, engineSeconds, ownSeconds });
  };
  const latency = opts.sections.has("latency");
  const parallelWanted = latency || opts.sections.has("speedup");
  const serialA = await run("serial-a", 1);
  const parallel = parallelWanted ? await run("parallel", opts.jobs) : undefined;
  const serialB = latency ? await run("serial-b", 1) : undefined;
  const functional = opts.sections.has("functional") ? await run("functional", 1, false) : undefined;
  const serials = serialB ? [serialA, serialB] : [serialA];
  const serialWall = serials.reduce((s, r) => s + r.phases.totalMs, 0) / serials.length;

  const figures: Record<string, Figure> = {};
  // The cost of one serial sweep, beside its wall time.
  figures.growthCoreSeconds = {
    value: round1(serialA.coreSeconds * 1000),
    unit: "busy core-s",
    note: `serial A (jobs 1), ${serialA.ran.length} cases in ${round1(serialA.phases.totalMs)} s wall; machine-wide /proc/stat (user+nice+system+irq+softirq+steal), load average at the end ${loadavg()[0]!.toFixed(1)}${subset}`,
  };
  figures.growthEngineCoreSeconds = {
    value: round1(serialA.engineSeconds * 1000),
    unit: "core-s",
    note: `dockerd, containerd, shims, runc, docker-proxy (/proc/PID/stat with reaped children; a lower bound): ${pct(serialA.engineSeconds / Math.max(1e-9, serialA.coreSeconds))} of growthCoreSeconds`,
  };
  figures.growthOwnCoreSeconds = {
    value: round1(serialA.ownSeconds * 1000),
    unit: "core-s",
    note: "serial A: the bench process with its reaped clients and servers, plus the engine's containers (cpuacct docker cgroup); not the engine itself. On a machine others load, the figure to compare",
  };
  if (opts.sections.has("speedup") && parallel) {
    // Floors of the parallel wall time: the exclusive latency windows add up, and one instance's
    // series runs start to finish on one server (its serial-run cost, from the serial cases).
    const perServer = new Map<string, number>();
    for (const c of serialA.ran) perServer.set(c.server, (perServer.get(c.server) ?? 0) + c.durationMs);
    const [slowest, slowestMs] = [...perServer].sort((a, b) => b[1] - a[1])[0] ?? ["-", 0];
    figures.growthSweepSeconds = {
      value: round1(parallel.phases.totalMs),
      unit: "s",
      goal: "< 240",
      note: `${parallel.ran.length} cases, runtime ${parallel.manifest.runtime}, jobs ${opts.jobs}${subset}`,
    };
    figures.growthSerialSeconds = {
      value: round1(serialWall),
      unit: "s",
      note: `jobs 1${serialB ? `, mean of ${round1(serialA.phases.totalMs)} and ${round1(serialB.phases.totalMs)} s` : ""}`,
    };
    figures.growthParallelSpeedup = {
      value: Math.round((serialWall / parallel.phases.totalMs) * 100) / 100,
      unit: "×",
      goal: "≥ 2.0",
      note: `serial ${round1(serialWall)} s / parallel ${round1(parallel.phases.totalMs)} s, jobs ${opts.jobs}${subset}`,
    };
    // The ceiling the machine sets: a serial run that keeps c cores busy can at best be sped up
    // to all of them (less while exclusive latency windows run alone).
    figures.growthCoresBusy = {
      value: Math.round(serialA.coresBusy * 100) / 100,
      unit: `of ${cpus().length} cores`,
      note: `serial run (machine-wide, /proc/stat); parallel run ${parallel.coresBusy.toFixed(2)}; ceiling of the speedup ${(cpus().length / serialA.coresBusy).toFixed(2)}×`,
    };
    // The most any schedule can reach on this machine, from the serial run's own figures: the
    // parallel run has at least its CPU work to do (busy core-seconds, machine-wide), the exclusive
    // windows cannot overlap each other or anything else, and outside them at most every core is
    // busy. Sampling is counted as keeping one core busy (a handshake alternates client and server),
    // the generous side: floor = windows + (busy − sampling) / cores.
    const windowsS = (serialA.phases.latency + serialA.phases.settle) / 1000;
    const busyS = (serialA.coresBusy * serialA.phases.totalMs) / 1000;
    const floorS = windowsS + Math.max(0, busyS - serialA.phases.latency / 1000) / cpus().length;
    figures.growthSpeedupCeiling = {
      value: Math.round((serialA.phases.totalMs / 1000 / floorS) * 100) / 100,
      unit: "×",
      note: `serial A ${round1(serialA.phases.totalMs)} s / floor ${floorS.toFixed(1)} s = windows ${windowsS.toFixed(1)} s + (${busyS.toFixed(0)} busy core-s − sampling ${round1(serialA.phases.latency)} s) / ${cpus().length} cores`,
    };
    figures.growthParallelFloor = {
      value: round1(Math.max(parallel.phases.latency + parallel.phases.settle, slowestMs)),
      unit: "s",
      note: `exclusive windows ${round1(parallel.phases.latency + parallel.phases.settle)} s (sampling ${round1(parallel.phases.latency)}, settling ${round1(parallel.phases.settle)}); slowest series ${slowest} ${round1(slowestMs)} s (serial run)`,
    };
  }
  if (serialB && parallel) {
    const a = latencyAgreement({ serialA: p50s(serialA), parallel: p50s(parallel), serialB: p50s(serialB) });
    figures.growthLatencyAgreement = {
      value: round3(a.ratio),
      unit: "parallel p50 / serial p50, median over cases",
      goal: `within the tolerance (1 ± ${pct(a.tolerance)} here): ${a.verdict}`,
      note: `${a.cases} cases${subset}; ${a.casesWithin} within the band (serial vs serial: ${a.serialCasesWithin})`,
    };
    figures.growthLatencyNoiseFloor = {
      value: round3(a.noiseFloorRatio),
      unit: "serial B p50 / serial A p50, median over cases",
      note: "two --jobs 1 runs of the same bench, before and after the parallel one",
    };
    figures.growthLatencyTolerance = {
      value: round3(a.tolerance),
      unit: "fraction (±, log space)",
      note: "|noise floor| + 3 standard errors of the median, at least 0.02; above 0.15 the verdict is inconclusive",
    };
    for (const [name, r] of [
      ["serialA", serialA],
      ["parallel", parallel],
      ["serialB", serialB],
    ] as const) {
      figures[`growthLatencyWindows.${name}`] = {
        value: r.sampling.windows,
        unit: "windows",
        note: `${r.sampling.unquiet} sampled before the run went quiet; settling ${round1(r.sampling.settleMs)} s; GC inside samples ${Math.round(r.sampling.gcMs)} ms`,
      };
    }
  }
  // Cases whose outcome class differs between the runs. A server-error or timeout on either side
  // is the machine (a container that died or did not start in time), not the schedule.
  const serialOutcome = new Map(serialA.ran.map((c) => [c.id, c.outcome.class]));
  const flaky = (cls: string | undefined) => cls === "server-error" || cls === "timeout";
  let unexplained: CaseResult[] = [];
  if (parallel) {
    const differing = parallel.ran.filter((c) => serialOutcome.get(c.id) !== c.outcome.class);
    unexplained = differing.filter((c) => !flaky(c.outcome.class) && !flaky(serialOutcome.get(c.id)));
    for (const c of differing)
      console.log(`outcome differs: ${c.id}: serial ${serialOutcome.get(c.id)}, parallel ${c.outcome.class}`);
    figures.growthOutcomesDiffering = {
      value: unexplained.length,
      unit: "cases",
      goal: "0",
      note: `${differing.length} differ in all, ${differing.length - unexplained.length} with a server-error or timeout on one side`,
    };
  }
  if (functional) {
    // The functional-only sweep must judge every case as the sampled one did: outcome, lists, sizes.
    const facts = new Map(serialA.ran.map((c) => [c.id, functionalFacts(c)]));
    const differing = functional.ran.filter((c) => facts.get(c.id) !== functionalFacts(c));
    const missing = serialA.ran.length - functional.ran.filter((c) => facts.has(c.id)).length;
    // The machine, not the schedule: a server-error or timeout on either side, the client's or the
    // probe's (a probe that timed out leaves the side of a failure unknown).
    const serialProbe = new Map(serialA.ran.map((c) => [c.id, c.probeOutcome.class]));
    const machine = (c: CaseResult) =>
      flaky(c.outcome.class) ||
      flaky(serialOutcome.get(c.id)) ||
      flaky(c.probeOutcome.class) ||
      flaky(serialProbe.get(c.id));
    const explained = differing.filter(machine).length;
    for (const c of differing)
      console.log(`functional run differs: ${c.id}: ${facts.get(c.id)} → ${functionalFacts(c)}`);
    unexplained = [...unexplained, ...differing.filter((c) => !machine(c))];
    figures.growthFunctionalCasesDiffering = {
      value: differing.length - explained + missing,
      unit: "cases",
      goal: "0",
      note: `outcome, probe outcome, configured and advertised lists and sizes, client certificate; ${functional.ran.length} cases against serial A's ${serialA.ran.length}; ${explained} more with a server-error or timeout (client's or probe's) on one side`,
    };
    figures.growthFunctionalSerialSeconds = {
      value: round1(functional.phases.totalMs),
      unit: "s",
      note: `jobs 1, --no-latency; serial A with latency ${round1(serialA.phases.totalMs)} s: ${(functional.phases.totalMs / serialA.phases.totalMs).toFixed(2)}×`,
    };
    figures.growthFunctionalCoreSeconds = {
      value: round1(functional.coreSeconds * 1000),
      unit: "busy core-s",
      note: `serial A with latency ${round1(serialA.coreSeconds * 1000)}: ${(functional.coreSeconds / serialA.coreSeconds).toFixed(2)}×; own ${round1(functional.ownSeconds * 1000)} core-s (serial A ${round1(serialA.ownSeconds * 1000)}); engine ${round1(functional.engineSeconds * 1000)} core-s (serial A ${round1(serialA.engineSeconds * 1000)})`,
    };
  }
  const runs = {
    "serial A": serialA,
    ...(parallel ? { parallel } : {}),
    ...(serialB ? { "serial B": serialB } : {}),
    ...(functional ? { functional } : {}),
  };
  for (const [name, r] of Object.entries(runs))
    for (const [k, v] of Object.entries(r.phases))
      if (k !== "totalMs")
        figures[`growthPhase.${name.replace(" ", "")}.${k}`] = { value: round1(v), unit: "s" };
  console.table(
    Object.fromEntries(
      Object.keys(serialA.phases).map((k) => [
        k,
        Object.fromEntries(
          Object.entries(runs).map(([name, r]) => [
            `${name} s`,
            round1(r.phases[k as keyof typeof r.phases]),
          ]),
        ),
      ]),
    ),
  );
  console.table(
    Object.fromEntries(
      Object.entries(figures)
        .filter(([k]) => !k.startsWith("growthPhase."))
        .map(([k, f]) => [k, { value: f.value, unit: f.unit, note: f.note ?? "" }]),
    ),
  );
  recordFigures("growth", figures);
  if ((parallel && parallel.phases.totalMs > 240_000) || unexplained.length > 0) process.exitCode = 1;
} finally {
  await rm(out, { recursive: true, force: true });
}
