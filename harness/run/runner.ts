import path from "node:path";
import { InputError } from "../errors.ts";
import { log } from "../log.ts";
import type { CaseResult } from "../model/case-result.ts";
import type { RuntimeChoice } from "../model/names.ts";
import { type RunManifest, runServerKey } from "../model/run-manifest.ts";
import { sharedTestPki, type TestPki } from "../pki/test-pki.ts";
import { withUserIdentity } from "../pki/user-identity.ts";
import { probe } from "../probe/probe.ts";
import { engineEndpoint } from "../runtime/engine-address.ts";
import { resolveRuntime } from "../runtime/resolve-runtime.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { withholdFromServers } from "../runtime/server-env.ts";
import type { Scenario } from "../scenario/define-scenario.ts";
import { type LoadedScenario, loadScenario } from "../scenario/load-scenario.ts";
import { stateDir } from "../state-dir.ts";
import { bisectEntries, maxCases, ownsCaseId, type PlannedBisect, planBisects } from "./bisect.ts";
import { ClientPool } from "./client-pool.ts";
import { defaultJobs, runConcurrently } from "./parallel-series.ts";
import { newPhases, type RunPhases, timed } from "./phases.ts";
import { type PlannedCase, planCases, type RootStep, type Shard, serverKeys, shardWork } from "./plan.ts";
import { planNotes, preflight, preflightServers } from "./preflight.ts";
import { rootSeries, type StepMaker } from "./root-steps.ts";
import { runBisect } from "./run-bisect.ts";
import { runCase } from "./run-case.ts";
import {
  CaseLog,
  checkScenarioToResume,
  completedCases,
  createRunDir,
  gitRevision,
  lockRunDir,
  newRunId,
  readManifestToResume,
  removeEmptyRunDir,
  writeManifest,
} from "./run-dir.ts";
import { runCpu, type SamplingStats, SamplingWindows } from "./sampling-windows.ts";
import { ServerSession } from "./server-session.ts";

/** What the runner tells its caller as it goes; the CLI draws its progress bar from it. */
export type RunProgress =
  | { kind: "start"; total: number }
  | { kind: "case"; done: number; total: number; planned: PlannedCase; result: CaseResult }
  | { kind: "end"; done: number; total: number };

export interface RunOptions {
  /** Scenario file; required, also with `resumeDir` (it must be the one the run started with). */
  scenarioFile?: string;
  /** Parent directory for a new run (default `results/`). */
  outRoot?: string;
  /** Continue this run directory. */
  resumeDir?: string;
  shard?: Shard;
  signal?: AbortSignal;
  /** Per-case network timeout, ms. */
  timeoutMs?: number;
  /** Called at the start, after each case and at the end. */
  onProgress?: (event: RunProgress) => void;
  /** What the user must hear as it happens (the CLI writes it on stderr), e.g. runtime "auto" fell back to processes and why. */
  onNotice?: (text: string) => void;
  /** Server instances run at once; default: the scenario's `jobs`, else defaultJobs(). */
  jobs?: number;
  /**
   * `false`: functional cases only (`--no-latency`), whatever the scenario says. Default: the
   * scenario's `latency` (true when absent); on --resume, what the run started with.
   */
  latency?: false;
}

/** What one `runScenario` call did. */
export interface FinishedRun {
  dir: string;
  manifest: RunManifest;
  /** Cases this invocation ran (not those found from an earlier, resumed invocation). */
  ran: CaseResult[];
  expectationFailures: number;
  serverErrors: number;
  interrupted: boolean;
  phases: RunPhases;
  /** The latency windows: how many, how long they waited for quiet, GC inside them. */
  sampling: SamplingStats;
}

/**
 * Run a scenario: scenario → plan → servers/probe/clients → cases.jsonl, one line per case as it
 * ends. One server instance per scenario server, reloaded along the root series. Everything that
 * can refuse the input (scenario, roots, plan, endpoints, templates) runs before the run
 * directory exists, so bad input leaves nothing behind.
 */
export async function runScenario(opts: RunOptions): Promise<FinishedRun> {
  // Servers' folders, keys and orphan records live in the state folder: an unsafe one (another
  // user's, open to others, a link) stops the run here, before anything is written.
  stateDir();
  const phases = newPhases();
  const t0 = performance.now();
  const input = await openScenario(opts);
  const roots = await timed(phases, "roots", () => buildRoots(input));
  const work = planWork(input, roots);
  // Before anything is written: an unreachable endpoint, a missing engine or image, a template
  // the server rejects must leave no run directory behind.
  await preflight(input.scenario, input.loaded.file, timeoutOf(opts));
  let run: OpenRun | undefined;
  let sampling: SamplingStats | undefined;
  // The first error is the one reported: a manifest that cannot be written afterwards (the same
  // full disk) is logged, not thrown over it.
  let failure: unknown;
  let manifestError: unknown;
  try {
    // Closed when this block ends, however it ends: before the manifest's last write, as its
    // containers' or processes' end is part of the run's time.
    await using runtime = await timed(phases, "runtime", () =>
      resolveRuntime(runtimeChoice(input.scenario), opts.onNotice),
    );
    const firstSteps = roots.steps.length > 0 ? roots.steps : (roots.bisectEnds[0] ?? []);
    await preflightServers(input.scenario, input.loaded.file, firstSteps, roots.pki, runtime);
    run = await openRun(opts, input, work, runtime);
    sampling = await runSeries(opts, input, roots, work, run, runtime, phases);
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    if (run) {
      try {
        await closeManifest(run, phases, t0, opts.signal);
      } catch (err) {
        manifestError = err;
        if (failure !== undefined) log.debug({ err }, "manifest not rewritten after the run failed");
      } finally {
        run.unlock();
      }
    }
  }
  if (manifestError !== undefined) throw manifestError;
  return finished(run, phases, sampling!, opts.signal);
}

/** The scenario as loaded, the run it resumes (checked against it) and the shard to run. */
interface OpenedScenario {
  loaded: LoadedScenario;
  scenario: Scenario;
  /** Latency is sampled (false: functional cases only). */
  latency: boolean;
  resumed?: RunManifest;
  shard?: Shard;
}

async function openScenario(opts: RunOptions): Promise<OpenedScenario> {
  const resumed = opts.resumeDir ? readManifestToResume(opts.resumeDir) : undefined;
  // Checked on the bytes before the file is imported: a results folder never picks the code to run.
  if (resumed) checkScenarioToResume(opts.resumeDir!, resumed, opts.scenarioFile);
  const scenarioFile = opts.scenarioFile;
  if (!scenarioFile) throw new InputError("rootload run", "a scenario file is required");
  const loaded = await loadScenario(scenarioFile);
  if (resumed && resumed.scenario.hash !== loaded.hash)
    throw new InputError(
      scenarioFile,
      `changed since run ${resumed.runId} started (hash differs); start a new run instead`,
    );
  // The PKCS#12 password stays out of the servers' environment (a template may run programs).
  const identity = loaded.scenario.identity;
  if (identity && "pkcs12" in identity && identity.passwordEnv) withholdFromServers(identity.passwordEnv);
  // The manifest keeps --shard's 1-based i/n.
  const shard = opts.shard ?? resumed?.shard;
  const latency = latencyChoice(opts, loaded.scenario, resumed);
  return {
    loaded,
    scenario: loaded.scenario,
    latency,
    ...(resumed ? { resumed } : {}),
    ...(shard ? { shard } : {}),
  };
}

/**
 * Whether this run samples latency: not when the scenario or --no-latency says so. A resumed run
 * keeps what it started with, so one run never holds cases of both kinds.
 */
function latencyChoice(opts: RunOptions, scenario: Scenario, resumed?: RunManifest): boolean {
  const asked = opts.latency !== false && scenario.latency !== false;
  if (!resumed) return asked;
  const started = resumed.latency !== "not-measured";
  if (opts.latency === false && started)
    throw new InputError(
      "rootload run --no-latency",
      `run ${resumed.runId} started with latency measured; --resume it without --no-latency, or start a new run`,
    );
  return started;
}

/** The test PKI (or the user's identity on it) and the root series, with both ends of every bisect. */
interface Roots {
  pki: TestPki;
  steps: RootStep[];
  stepAt?: StepMaker;
  bisectEnds: RootStep[][];
}

async function buildRoots({ scenario, loaded }: OpenedScenario): Promise<Roots> {
  const base = await sharedTestPki(serverHosts());
  const pki = scenario.identity
    ? withUserIdentity(base, scenario.identity, `${loaded.file}: identity`)
    : base;
  // A scenario of endpoints only has no roots: its servers run as their operators configured them.
  const series = scenario.roots ? await rootSeries(scenario.roots, pki.clientIssuerEntry) : undefined;
  // Both ends of every bisect are built now, so a range the source cannot fill is bad input
  // before anything is written; the midpoints lie between them.
  const bisectEnds = bisectEntries(scenario).map(({ spec, field }) =>
    [spec.from, spec.to].map((size, i) =>
      series!.stepAt(spec.by ?? "names", size, "bisect", -1, `${field}.${i === 0 ? "from" : "to"}`),
    ),
  );
  return { pki, steps: series?.steps ?? [], ...(series ? { stepAt: series.stepAt } : {}), bisectEnds };
}

/** This invocation's share of the plan: its cases and bisected series. */
interface Work {
  plan: PlannedCase[];
  bisects: PlannedBisect[];
}

function planWork({ scenario, shard }: OpenedScenario, { steps }: Roots): Work {
  const fullPlan = planCases(scenario, steps);
  const sharded = shardWork(fullPlan, planBisects(scenario, fullPlan.length, steps.length), maxCases, shard);
  return { plan: sharded.cases, bisects: sharded.work };
}

/** Endpoints need no runtime; a user's image runs only in containers ("auto" then means the engine, and its absence is rc 3). */
function runtimeChoice(scenario: Scenario): RuntimeChoice {
  if (scenario.servers.every((s) => s.driver === "endpoint")) return "process";
  if (scenario.servers.some((s) => s.driver !== "endpoint" && s.image !== undefined)) return "container";
  return scenario.runtime ?? "auto";
}

/** The run directory, with its manifest written, and the cases an earlier invocation recorded there. */
interface OpenRun {
  dir: string;
  manifest: RunManifest;
  recorded: Map<string, CaseResult>;
  todo: PlannedCase[];
  ran: CaseResult[];
  /** Releases the run folder's lock. */
  unlock: () => void;
}

async function openRun(
  opts: RunOptions,
  input: OpenedScenario,
  work: Work,
  runtime: Runtime,
): Promise<OpenRun> {
  const { scenario, loaded, resumed, shard, latency } = input;
  const { plan, bisects } = work;
  const runId = resumed?.runId ?? newRunId(scenario.name);
  const dir = opts.resumeDir
    ? path.resolve(opts.resumeDir)
    : await createRunDir(opts.outRoot ?? "results", runId);
  // One process per run folder: a second --resume of it is refused while this one runs.
  const unlock = lockRunDir(dir);
  let recorded: Map<string, CaseResult>;
  try {
    const planned = new Set(plan.map((c) => c.id));
    recorded = opts.resumeDir
      ? completedCases(dir, (id) => planned.has(id) || ownsCaseId(bisects, id))
      : new Map<string, CaseResult>();
  } catch (err) {
    unlock();
    throw err;
  }
  const manifest: RunManifest = resumed ?? {
    runId,
    scenario: { name: scenario.name, file: loaded.file, hash: loaded.hash },
    startedAt: new Date().toISOString(),
    runtime: runtime.kind,
    servers: [],
    node: process.versions.node,
    openssl: process.versions.openssl,
    ...gitRevision(),
    plannedCases: plan.length,
    ...(scenario.expect?.length ? { expectations: scenario.expect.length } : {}),
    ...(bisects.length > 0 ? { plannedBisects: bisects.length } : {}),
    ...planNotes(scenario),
    ...(shard ? { shard } : {}),
    ...(latency ? {} : { latency: "not-measured" as const }),
  };
  try {
    await writeManifest(dir, manifest);
  } catch (err) {
    unlock();
    if (!resumed) await removeEmptyRunDir(dir);
    throw err;
  }
  return { dir, manifest, recorded, todo: plan.filter((c) => !recorded.has(c.id)), ran: [], unlock };
}

/**
 * Every server instance's series, in parallel up to `jobs`: its cases in plan order on its own
 * server, then its bisected series. Results go to cases.jsonl as each case ends; the manifest
 * collects the servers', clients' and runtime's facts. Returns the latency windows' figures.
 */
async function runSeries(
  opts: RunOptions,
  { scenario, latency }: OpenedScenario,
  roots: Roots,
  { plan, bisects }: Work,
  run: OpenRun,
  runtime: Runtime,
  phases: RunPhases,
): Promise<SamplingStats> {
  const { dir, manifest, recorded, todo, ran } = run;
  const runLog = log.child({ scenario: scenario.name, run: manifest.runId });
  const jobs = opts.jobs ?? scenario.jobs ?? defaultJobs();
  runLog.info(
    {
      dir,
      planned: plan.length,
      bisects: bisects.length,
      todo: todo.length,
      runtime: runtime.kind,
      jobs,
      latency,
    },
    "run started",
  );
  // One writer: every series hands its results to this process's CaseLog, whose append is one
  // synchronous write + fsync, so lines never interleave however many series run.
  const caseLog = new CaseLog(dir);
  const windows = new SamplingWindows(() => runCpu(runtime), phases);
  // A bisected series' length is known only as a bound: the progress total counts the bound.
  const total = todo.length + bisects.reduce((n, b) => n + maxCases(b), 0);
  const timeoutMs = timeoutOf(opts);
  const context = {
    pki: roots.pki,
    timeoutMs,
    phases,
    latency,
    ...(scenario.bench ? { bench: scenario.bench } : {}),
    ...(scenario.expect ? { expect: scenario.expect } : {}),
  };
  // One client per label for the whole run: a persistent client (one JVM per option set) serves
  // every case and latency series.
  const clients = new ClientPool(runtime);
  const keys = serverKeys(scenario);
  const forge = (scenario.clients ?? []).some((e) => (typeof e === "string" ? e : e.name) === "forge");
  opts.onProgress?.({ kind: "start", total });
  try {
    await runConcurrently(
      [...groupByServer(todo, bisects)],
      jobs,
      ([, { cases, bisects: b }]) => cases.length + b.reduce((n, x) => n + maxCases(x), 0),
      async ([serverIndex, { cases, bisects: instanceBisects }]) => {
        if (opts.signal?.aborted) return;
        // Everything this series does (client versions, server start and reloads, probes, client
        // handshakes, results, stopping the server) runs under its shared hold; it gives the hold
        // up only to wait for a latency window.
        const hold = await windows.join();
        const spec = scenario.servers[serverIndex]!;
        const session = new ServerSession(spec, {
          pki: roots.pki,
          runtime,
          timeoutMs,
          phases,
          legacyCompat: (spec.driver !== "endpoint" ? spec.legacyCompat : undefined) ?? forge,
        });
        const runOne = async (planned: PlannedCase): Promise<CaseResult | undefined> => {
          if (opts.signal?.aborted) return undefined;
          await clients.record(planned.clientSpec);
          const result = await runCase(session, probe, clients.get(planned.clientSpec), planned, {
            ...context,
            exclusive: hold.exclusive,
          });
          // Interrupted while this case ran: its clients may have had the signal too, so its
          // result may be false. Drop it; --resume runs it again.
          return opts.signal?.aborted ? undefined : result;
        };
        const keep = (result: CaseResult, planned: PlannedCase) => {
          caseLog.append(result);
          ran.push(result);
          opts.onProgress?.({ kind: "case", done: ran.length, total, planned, result });
          runLog.info(
            { case: planned.id, outcome: result.outcome, advertised: result.advertised?.count },
            "case",
          );
        };
        try {
          for (const planned of cases) {
            const result = await runOne(planned);
            if (!result) break;
            keep(result, planned);
          }
          for (const b of instanceBisects) {
            if (opts.signal?.aborted) break;
            const end = await runBisect(b, {
              stepAt: roots.stepAt as StepMaker,
              recorded,
              run: runOne,
              keep,
            });
            if (end) runLog.info({ series: b.key, end }, "bisect");
          }
        } finally {
          recordServer(manifest, session, keys[serverIndex]!);
          await session.close().finally(() => hold.leave());
        }
      },
    );
  } finally {
    // Series end in any order; the manifest lists servers in scenario order, as a serial run does.
    manifest.servers.sort((a, b) => keys.indexOf(runServerKey(a)) - keys.indexOf(runServerKey(b)));
    opts.onProgress?.({ kind: "end", done: ran.length, total });
    caseLog.close();
    windows.close();
    runLog.info(windows.stats, "latency windows");
    const limits = runtime.limits?.();
    if (limits) manifest.containerLimits = limits;
    // Clients in plan order too (parallel series meet them in any order).
    const firstUse = (label: string) => plan.findIndex((c) => c.clientSpec.label === label);
    if (clients.records().length)
      manifest.clients = clients.records().sort((a, b) => firstUse(a.label) - firstUse(b.label));
    await clients.close();
  }
  return windows.stats;
}

/** The manifest's last write: how the run ended and where its time went. */
async function closeManifest(
  run: OpenRun,
  phases: RunPhases,
  t0: number,
  signal?: AbortSignal,
): Promise<void> {
  const { manifest } = run;
  if (signal?.aborted) manifest.interruptedAt = new Date().toISOString();
  else {
    manifest.endedAt = new Date().toISOString();
    delete manifest.interruptedAt;
  }
  phases.totalMs = performance.now() - t0;
  manifest.phasesMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)]));
  await writeManifest(run.dir, manifest);
}

/** What the caller is told: the cases this invocation ran and how many failed which way. */
function finished(
  run: OpenRun | undefined,
  phases: RunPhases,
  sampling: SamplingStats,
  signal?: AbortSignal,
): FinishedRun {
  const { dir, manifest, ran } = run!;
  return {
    dir,
    manifest,
    ran,
    expectationFailures: ran.filter((c) => c.expectations?.some((e) => !e.pass)).length,
    // A server that fails where the scenario expects it to (every expectation on the case held)
    // is a finding, not an engine problem.
    serverErrors: ran.filter(
      (c) =>
        c.outcome.class === "server-error" &&
        !(c.expectations?.length && c.expectations.every((e) => e.pass)),
    ).length,
    interrupted: Boolean(signal?.aborted),
    phases,
    sampling,
  };
}

const timeoutOf = (opts: RunOptions) => opts.timeoutMs ?? 10_000;

function groupByServer(
  cases: readonly PlannedCase[],
  bisects: readonly PlannedBisect[],
): Map<number, { cases: PlannedCase[]; bisects: PlannedBisect[] }> {
  const m = new Map<number, { cases: PlannedCase[]; bisects: PlannedBisect[] }>();
  const of = (i: number) => m.get(i) ?? m.set(i, { cases: [], bisects: [] }).get(i)!;
  for (const c of cases) of(c.serverIndex).cases.push(c);
  for (const b of bisects) of(b.serverIndex).bisects.push(b);
  return m;
}

/** One entry per server instance (a user's image beside rootload's is another instance). */
function recordServer(manifest: RunManifest, session: ServerSession, server: string): void {
  if (Object.keys(session.versions).length === 0) return;
  if (manifest.servers.some((s) => runServerKey(s) === server)) return;
  manifest.servers.push({ server, driver: session.spec.driver, versions: session.versions });
}

/** The address servers will be reached at when it is not 127.0.0.1 (a remote engine's), for the server certificate. */
function serverHosts(): string[] {
  try {
    const e = engineEndpoint();
    return e.kind === "remote" ? [e.host] : [];
  } catch {
    return []; // a bad DOCKER_HOST is reported when the runtime is resolved
  }
}
