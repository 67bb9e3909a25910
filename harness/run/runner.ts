import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { CLIENTS } from "../clients/index.ts";
import { EngineError, InputError, messageOf } from "../errors.ts";
import { log } from "../log.ts";
import type { CaseResult } from "../model/case-result.ts";
import { CA_LIST_LIMIT_BYTES } from "../model/limits.ts";
import type { Outcome } from "../model/outcome.ts";
import { type IssuerPolicy, parsePolicy } from "../model/policy.ts";
import type { RunManifest } from "../model/run-manifest.ts";
import { sharedTestPki, type TestPki } from "../pki/test-pki.ts";
import { type ProbeResult, probe } from "../probe/probe.ts";
import { intendedAdvertised } from "../roots/intended.ts";
import { uniqueNames } from "../roots/root-store.ts";
import { resolveRuntime } from "../runtime/resolve-runtime.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { Scenario, ServerSpec } from "../scenario/define-scenario.ts";
import { loadScenario } from "../scenario/load-scenario.ts";
import { DRIVERS } from "../servers/index.ts";
import type { StartedTlsServer } from "../servers/tls-server.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import { compareAdvertised } from "./compare-lists.ts";
import { evaluate } from "./expectations.ts";
import { measureLatency } from "./measure-latency.ts";
import { type PlannedCase, planCases, type Shard, shardOf } from "./plan.ts";
import { Progress } from "./progress.ts";
import { rootSteps } from "./root-steps.ts";
import { CaseLog, completedCaseIds } from "./run-store.ts";

export interface RunOptions {
  /** Scenario file; with `resumeDir` it may be omitted (the manifest names it). */
  scenarioFile?: string;
  /** Parent directory for a new run (default `results/`). */
  outRoot?: string;
  /** Continue this run directory. */
  resumeDir?: string;
  shard?: Shard;
  signal?: AbortSignal;
  /** Per-case network timeout, ms. */
  timeoutMs?: number;
}

/** Where a run's wall time went, ms (summed over servers; the parts of `totalMs`). */
export interface RunPhases {
  /** Loading and growing the root lists, making the test PKI. */
  roots: number;
  /** Finding the engine and checking the image (or choosing local processes). */
  runtime: number;
  start: number;
  reload: number;
  probe: number;
  /** The classified client handshake of each case. */
  handshake: number;
  /** Latency sampling (tinybench) of the cases that succeeded. */
  latency: number;
  totalMs: number;
}

function timed<T>(
  phases: RunPhases,
  phase: Exclude<keyof RunPhases, "totalMs">,
  work: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  return work().finally(() => {
    phases[phase] += performance.now() - t0;
  });
}

export interface RunSummary {
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
export async function runScenario(opts: RunOptions): Promise<RunSummary> {
  const resumed = opts.resumeDir ? readManifest(opts.resumeDir) : undefined;
  const scenarioFile = opts.scenarioFile ?? resumed?.scenario.file;
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
  const phases: RunPhases = {
    roots: 0,
    runtime: 0,
    start: 0,
    reload: 0,
    probe: 0,
    handshake: 0,
    latency: 0,
    totalMs: 0,
  };
  const t0 = performance.now();

  const { pki, steps } = await timed(phases, "roots", async () => {
    const pki = await sharedTestPki();
    return { pki, steps: await rootSteps(scenario.roots, pki.clientIssuerEntry) };
  });
  const plan = shardOf(planCases(scenario, steps), shard);
  // Before anything is written: a missing engine or image must leave no run directory behind.
  const runtime = await timed(phases, "runtime", () => resolveRuntime(scenario.runtime ?? "auto"));

  const runId = resumed?.runId ?? newRunId(scenario.name);
  const dir = opts.resumeDir ? path.resolve(opts.resumeDir) : path.resolve(opts.outRoot ?? "results", runId);
  await mkdir(dir, { recursive: true });
  const done = completedCaseIds(dir);
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
    ...(shard ? { shard } : {}),
  };
  await writeFileAtomic(path.join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const runLog = log.child({ scenario: scenario.name, run: runId });
  runLog.info({ dir, planned: plan.length, todo: todo.length, runtime: runtime.kind }, "run started");

  const caseLog = new CaseLog(dir);
  const progress = new Progress(todo.length);
  const ran: CaseResult[] = [];
  try {
    for (const [serverIndex, cases] of groupByServer(todo)) {
      if (opts.signal?.aborted) break;
      const spec = scenario.servers[serverIndex]!;
      const session = new ServerSession(spec, scenario, pki, runtime, opts.timeoutMs ?? 10_000, phases);
      try {
        for (const planned of cases) {
          if (opts.signal?.aborted) break;
          const result = await session.runCase(planned);
          caseLog.append(result);
          ran.push(result);
          progress.tick(`${planned.id} ${result.outcome.class}`);
          runLog.info(
            { case: planned.id, outcome: result.outcome, advertised: result.advertised?.count },
            "case",
          );
        }
      } finally {
        recordServer(manifest, session);
        await session.close();
      }
    }
  } finally {
    progress.end();
    caseLog.close();
    await runtime.close();
    if (!opts.signal?.aborted) manifest.endedAt = new Date().toISOString();
    phases.totalMs = performance.now() - t0;
    manifest.phasesMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)]));
    await writeFileAtomic(path.join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
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

/**
 * One server of the scenario across its cases: started on first use, reloaded when the step or
 * policy changes, restarted after a crash. Probe results are shared by the clients of a step.
 */
class ServerSession {
  #server: StartedTlsServer | undefined;
  #loaded = "";
  #probes = new Map<string, ProbeResult>();
  #versions: Record<string, string> = {};

  constructor(
    readonly spec: ServerSpec,
    readonly scenario: Scenario,
    readonly pki: TestPki,
    readonly runtime: Runtime,
    readonly timeoutMs: number,
    readonly phases: RunPhases,
  ) {}

  get versions(): Record<string, string> {
    return this.#versions;
  }

  async runCase(c: PlannedCase): Promise<CaseResult> {
    const startedAt = new Date();
    const t0 = performance.now();
    const policy = parsePolicy(c.policy)!;
    const store = c.step.store;
    const intended = uniqueNames(intendedAdvertised(store, policy));
    const base = {
      id: c.id,
      server: c.driver,
      tls: c.tls,
      client: c.client,
      policy: c.policy,
      step: { index: c.step.index, label: c.step.label },
      configured: {
        count: store.count,
        caListBytes: store.caListBytes,
        names: uniqueNames(store.entries).length,
      },
      intended: { count: intended.length, bytes: intended.reduce((n, e) => n + e.caNameBytes, 0) },
      limitHeadroomBytes: CA_LIST_LIMIT_BYTES - store.caListBytes,
      clientIssuer: { position: c.step.clientIssuerPosition },
      startedAt: startedAt.toISOString(),
    };
    const finish = (rest: Omit<CaseResult, keyof typeof base | "durationMs">): CaseResult => {
      const result: CaseResult = { ...base, ...rest, durationMs: Math.round(performance.now() - t0) };
      if (this.scenario.expect?.length) result.expectations = evaluate(this.scenario.expect, result);
      return result;
    };

    let server: StartedTlsServer;
    try {
      server = await this.#ensure(c, policy);
    } catch (err) {
      // Drivers put the server's last output after the first line: keep it as the log tail.
      const [first, ...rest] = messageOf(err).split("\n");
      const outcome: Outcome = { class: "server-error", detail: first! };
      const tail = rest.join("\n").trim();
      return finish({
        advertised: null,
        clientIssuerAdvertised: null,
        probeOutcome: outcome,
        outcome,
        ...(tail ? { serverLogTail: rest.slice(-20).join("\n") } : {}),
      });
    }

    const probeKey = `${this.#loaded}|${c.tls}`;
    let pr = this.#probes.get(probeKey);
    if (!pr) {
      pr = await timed(this.phases, "probe", () =>
        probe({
          host: server.host,
          port: server.port,
          tls: c.tls,
          timeoutMs: this.timeoutMs,
          ...(server.starttls ? { starttls: server.starttls } : {}),
        }),
      );
      this.#probes.set(probeKey, pr);
    }
    const cr = pr.certificateRequest;
    const wire = cr?.authorities.map((a) => a.der);
    const compared = compareAdvertised(
      store,
      intended,
      wire,
      cr?.authoritiesBytes ?? 0,
      cr?.messageBytes ?? 0,
      this.pki.clientIssuerEntry.subjectDer,
    );

    const client = CLIENTS[c.client];
    const handshakeOptions = {
      host: server.host,
      port: server.port,
      tls: c.tls,
      pki: this.pki,
      ...(wire ? { advertised: wire } : {}),
      timeoutMs: this.timeoutMs,
      legacy: c.client === "forge",
      ...(server.starttls ? { starttls: server.starttls } : {}),
    };
    const hs = await timed(this.phases, "handshake", () => client.handshake(handshakeOptions));
    let outcome = hs.outcome;
    let serverLogTail: string | undefined;
    // A refused connection means the server stopped listening even if its process (or container)
    // lives on, e.g. after a reload it could not apply: restart it for the next case.
    if (
      outcome.class === "server-error" ||
      (outcome.class !== "ok" && !(await server.isRunning().catch(() => false)))
    ) {
      serverLogTail = await this.#logTail(server);
      const running = await server.isRunning().catch(() => false);
      const was =
        "detail" in outcome && outcome.detail ? `${outcome.class}: ${outcome.detail}` : outcome.class;
      outcome = {
        class: "server-error",
        detail: running
          ? `server stopped listening (${was}); restarted for the next case`
          : `server exited during the case (${was})`,
      };
      await this.#drop();
    }
    let latency: CaseResult["latency"];
    if (outcome.class === "ok") {
      const m = await timed(this.phases, "latency", () =>
        measureLatency(
          async () => (await client.handshake(handshakeOptions)).outcome.class === "ok",
          this.scenario.bench,
        ),
      );
      if ("error" in m)
        log.warn({ case: c.id, error: m.error }, "latency sampling failed after a good handshake");
      else latency = m;
    } else if (!serverLogTail && this.#server) {
      serverLogTail = await this.#logTail(this.#server);
    }
    return finish({
      ...compared,
      probeOutcome: pr.outcome,
      outcome,
      ...(latency ? { latency } : {}),
      ...(serverLogTail ? { serverLogTail } : {}),
    });
  }

  /** A server serving this case's step and policy. */
  async #ensure(c: PlannedCase, policy: IssuerPolicy): Promise<StartedTlsServer> {
    const key = `${c.step.index}|${c.policy}`;
    if (this.#server && !(await this.#server.isRunning().catch(() => false))) await this.#drop();
    if (!this.#server) {
      const driver = DRIVERS[this.spec.driver];
      const available = await driver.available(this.runtime);
      if (!available.ok)
        throw new EngineError(
          `${this.spec.driver} is unavailable on the ${this.runtime.kind} runtime: ${available.reason}`,
        );
      const started = await timed(this.phases, "start", () =>
        driver.start(
          {
            store: c.step.store,
            policy,
            tls: this.spec.tls ?? ["1.2", "1.3"],
            clientAuth: this.spec.clientAuth ?? "require",
            pki: this.pki,
            legacyCompat: this.spec.legacyCompat ?? (this.scenario.clients ?? []).includes("forge"),
          },
          this.runtime,
        ),
      );
      this.#server = started;
      this.#versions = started.versions();
      this.#loaded = key;
      return started;
    }
    if (this.#loaded !== key) {
      await timed(this.phases, "reload", () => this.#server!.reload(c.step.store, policy));
      this.#loaded = key;
    }
    return this.#server;
  }

  async #logTail(server: StartedTlsServer): Promise<string> {
    const text = await server.logs().catch((err) => `(logs unavailable: ${messageOf(err)})`);
    return text.split("\n").slice(-20).join("\n");
  }

  async #drop(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    this.#loaded = "";
    this.#probes.clear();
    await s?.stop().catch(() => {});
  }

  async close(): Promise<void> {
    await this.#drop();
  }
}

function groupByServer(cases: readonly PlannedCase[]): Map<number, PlannedCase[]> {
  const m = new Map<number, PlannedCase[]>();
  for (const c of cases) m.set(c.serverIndex, [...(m.get(c.serverIndex) ?? []), c]);
  return m;
}

function recordServer(manifest: RunManifest, session: ServerSession): void {
  if (Object.keys(session.versions).length === 0) return;
  if (manifest.servers.some((s) => s.driver === session.spec.driver)) return;
  manifest.servers.push({ driver: session.spec.driver, versions: session.versions });
}

function readManifest(dir: string): RunManifest {
  const file = path.join(dir, "manifest.json");
  if (!existsSync(file))
    throw new InputError(file, "not found: --resume needs a run directory made by `rootload run`");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RunManifest;
  } catch (err) {
    throw new InputError(file, `not valid JSON: ${messageOf(err)}`);
  }
}

function newRunId(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  return `${stamp}-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`;
}

/** `{ git: "<short rev>" }` inside a checkout, `{}` outside one. */
function gitRevision(): { git?: string } {
  try {
    const git = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    })
      .toString()
      .trim();
    return git ? { git } : {};
  } catch {
    return {};
  }
}
