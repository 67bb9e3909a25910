import path from "node:path";
import { InputError } from "../errors.ts";
import { log } from "../log.ts";
import type { CaseResult } from "../model/case-result.ts";
import type { RunManifest } from "../model/run-manifest.ts";
import { sharedTestPki } from "../pki/test-pki.ts";
import { withUserIdentity } from "../pki/user-identity.ts";
import { probe } from "../probe/probe.ts";
import { engineEndpoint } from "../runtime/engine-address.ts";
import { resolveRuntime } from "../runtime/resolve-runtime.ts";
import { loadScenario } from "../scenario/load-scenario.ts";
import { ClientPool } from "./client-pool.ts";
import { defaultJobs, runConcurrently } from "./parallel-series.ts";
import { newPhases, type RunPhases, timed } from "./phases.ts";
import { type PlannedCase, planCases, type Shard, shardOf } from "./plan.ts";
import { planNotes, preflight, preflightServers } from "./preflight.ts";
import { ReadWriteLock } from "./read-write-lock.ts";
import { rootSteps } from "./root-steps.ts";
import { runCase } from "./run-case.ts";
import {
  CaseLog,
  checkScenarioToResume,
  completedCaseIds,
  createRunDir,
  gitRevision,
  newRunId,
  readManifestToResume,
  removeEmptyRunDir,
  writeManifest,
} from "./run-dir.ts";
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
  /** Server instances run at once; default: the scenario's `jobs`, else defaultJobs(). */
  jobs?: number;
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
}

/**
 * Run a scenario: scenario → plan → servers/probe/clients → cases.jsonl, one line per case as it
 * ends. One server instance per scenario server, reloaded along the root series.
 */
export async function runScenario(opts: RunOptions): Promise<FinishedRun> {
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
  const { scenario } = loaded;
  // The manifest keeps --shard's 1-based i/n.
  const shard = opts.shard ?? resumed?.shard;
  const phases = newPhases();
  const t0 = performance.now();

  const { pki, steps } = await timed(phases, "roots", async () => {
    const base = await sharedTestPki(serverHosts());
    const pki = scenario.identity
      ? withUserIdentity(base, scenario.identity, `${loaded.file}: identity`)
      : base;
    // A scenario of endpoints only has no roots: its servers run as their operators configured them.
    return { pki, steps: scenario.roots ? await rootSteps(scenario.roots, pki.clientIssuerEntry) : [] };
  });
  const plan = shardOf(planCases(scenario, steps), shard);
  // Before anything is written: an unreachable endpoint, a missing engine or image, a template
  // the server rejects must leave no run directory behind.
  await preflight(scenario, loaded.file, opts.timeoutMs ?? 10_000);
  // Endpoints need no runtime: nothing is started.
  const onlyEndpoints = scenario.servers.every((s) => s.driver === "endpoint");
  // A user's image runs only in containers: "auto" means the engine then, and its absence is rc 3.
  const needsEngine = scenario.servers.some((s) => s.image !== undefined);
  const runtime = await timed(phases, "runtime", () =>
    resolveRuntime(onlyEndpoints ? "process" : needsEngine ? "container" : (scenario.runtime ?? "auto")),
  );
  await preflightServers(scenario, loaded.file, steps, pki, runtime).catch(async (err) => {
    await runtime.close();
    throw err;
  });

  const runId = resumed?.runId ?? newRunId(scenario.name);
  let dir: string;
  let done: Set<string>;
  try {
    dir = opts.resumeDir
      ? path.resolve(opts.resumeDir)
      : await createRunDir(opts.outRoot ?? "results", runId);
    done = opts.resumeDir ? completedCaseIds(dir, new Set(plan.map((c) => c.id))) : new Set();
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const todo = plan.filter((c) => !done.has(c.id));

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
    ...planNotes(scenario),
    ...(shard ? { shard } : {}),
  };
  try {
    await writeManifest(dir, manifest);
  } catch (err) {
    if (!resumed) await removeEmptyRunDir(dir);
    await runtime.close();
    throw err;
  }
  const runLog = log.child({ scenario: scenario.name, run: runId });
  const jobs = opts.jobs ?? scenario.jobs ?? defaultJobs();
  runLog.info({ dir, planned: plan.length, todo: todo.length, runtime: runtime.kind, jobs }, "run started");

  // One writer: every series hands its results to this process's CaseLog, whose append is one
  // synchronous write + fsync, so lines never interleave however many series run.
  const caseLog = new CaseLog(dir);
  const lock = new ReadWriteLock();
  const total = todo.length;
  const ran: CaseResult[] = [];
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const context = {
    pki,
    timeoutMs,
    phases,
    lock,
    ...(scenario.bench ? { bench: scenario.bench } : {}),
    ...(scenario.expect ? { expect: scenario.expect } : {}),
  };
  // One client per label for the whole run: a persistent client (one JVM per option set) serves
  // every case and latency series.
  const clients = new ClientPool(runtime);
  opts.onProgress?.({ kind: "start", total });
  try {
    // Server instances in parallel, each one's series in plan order on its own server.
    const series = [...groupByServer(todo)];
    await runConcurrently(
      series,
      jobs,
      ([, cases]) => cases.length,
      async ([serverIndex, cases]) => {
        if (opts.signal?.aborted) return;
        const spec = scenario.servers[serverIndex]!;
        const session = new ServerSession(spec, {
          pki,
          runtime,
          timeoutMs,
          phases,
          legacyCompat:
            spec.legacyCompat ??
            (scenario.clients ?? []).some((e) => (typeof e === "string" ? e : e.name) === "forge"),
        });
        try {
          for (const planned of cases) {
            if (opts.signal?.aborted) break;
            await clients.record(planned.clientSpec);
            const result = await runCase(session, probe, clients.get(planned.clientSpec), planned, context);
            // Interrupted while this case ran: its clients may have had the signal too, so its
            // result may be false. Drop it; --resume runs it again.
            if (opts.signal?.aborted) break;
            caseLog.append(result);
            ran.push(result);
            opts.onProgress?.({ kind: "case", done: ran.length, total, planned, result });
            runLog.info(
              { case: planned.id, outcome: result.outcome, advertised: result.advertised?.count },
              "case",
            );
          }
        } finally {
          recordServer(manifest, session);
          await session.close();
        }
      },
    );
  } finally {
    // Series end in any order; the manifest lists servers in scenario order, as a serial run does.
    const order = scenario.servers.map((sv) => sv.driver as string);
    manifest.servers.sort((a, b) => order.indexOf(a.driver) - order.indexOf(b.driver));
    opts.onProgress?.({ kind: "end", done: ran.length, total });
    caseLog.close();
    const limits = runtime.limits?.();
    if (limits) manifest.containerLimits = limits;
    // Clients in plan order too (parallel series meet them in any order).
    const firstUse = (label: string) => plan.findIndex((c) => c.clientSpec.label === label);
    if (clients.records().length)
      manifest.clients = clients.records().sort((a, b) => firstUse(a.label) - firstUse(b.label));
    await clients.close();
    await runtime.close();
    if (opts.signal?.aborted) manifest.interruptedAt = new Date().toISOString();
    else {
      manifest.endedAt = new Date().toISOString();
      delete manifest.interruptedAt;
    }
    phases.totalMs = performance.now() - t0;
    manifest.phasesMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)]));
    await writeManifest(dir, manifest);
  }
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
    interrupted: Boolean(opts.signal?.aborted),
    phases,
  };
}

function groupByServer(cases: readonly PlannedCase[]): Map<number, PlannedCase[]> {
  const m = new Map<number, PlannedCase[]>();
  for (const c of cases) m.set(c.serverIndex, [...(m.get(c.serverIndex) ?? []), c]);
  return m;
}

function recordServer(manifest: RunManifest, session: ServerSession): void {
  if (Object.keys(session.versions).length === 0) return;
  // One entry per product and image: a user's image beside rootload's is another server.
  const image = session.versions.image;
  if (manifest.servers.some((s) => s.driver === session.spec.driver && s.versions.image === image)) return;
  manifest.servers.push({ driver: session.spec.driver, versions: session.versions });
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
