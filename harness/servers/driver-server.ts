import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { EngineError, InputError, messageOf } from "../errors.ts";
import { log } from "../log.ts";
import { type ApplicationProtocol, defaultApplication } from "../model/application.ts";
import { type IssuerPolicy, policyName } from "../model/policy.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import { TLS_VERSIONS, type TlsVersion } from "../model/tls.ts";
import { type ProbeResult, probe } from "../probe/probe.ts";
import { caListBytes, nameKey, type RootStore, uniqueNames } from "../roots/root-store.ts";
import {
  type Availability,
  type Launched,
  type LaunchSpec,
  type Runtime,
  STATE_DIR,
} from "../runtime/runtime.ts";
import { awaitTcpOpen } from "../runtime/tcp-connect.ts";
import {
  capabilityText,
  type DriverDefinition,
  type ReloadMethod,
  type RenderContext,
  type ServerDriver,
} from "./driver-contract.ts";
import { checkHandshakeOptions } from "./handshake-options.ts";
import { type IssuerPlan, issuerFiles, planIssuers, plannedAdvertised } from "./issuer-plan.ts";
import { awaitServed, type ServedBefore } from "./served-check.ts";
import type { ServerConfig } from "./server-config.ts";
import type { ReloadOptions, ReloadReport, ServedCheck, StartedTlsServer } from "./started-tls-server.ts";

/** Largest list the served check still expects a server to send (OpenSSL fails from ≈ 65,492 bytes). */
export const CHECKABLE_LIST_BYTES = 65_000;
const RELOAD_TIMEOUT_MS = 15_000;
const DEFAULT_READY_MS = 20_000;
const RELOAD_ATTEMPTS = 3;
const RELOAD_RETRY_MS = 3_000;
/** A start that lost its port to another socket is tried once more, on a new port. */
const PORT_ATTEMPTS = 2;
/** How each server (and Node's relay) words a bind to a taken port: errno 98, EADDRINUSE. */
const ADDRESS_IN_USE = /address already in use|EADDRINUSE/i;

/** Files every server directory has, whatever the driver. */
export const COMMON_FILES = {
  cert: "server.crt",
  key: "server.key",
  /** Certificate and key in one file (HAProxy's `crt`). */
  certAndKey: "server-full.pem",
  clientCert: "client.crt",
  clientKey: "client.key",
} as const;

/** Throw InputError unless the driver can express `policy` (as planned) on every TLS version asked. */
function checkSupported(def: DriverDefinition, config: ServerConfig, plan: IssuerPlan): void {
  // "all" with the issuer left out or moved advertises a subset: what the driver needs is a subset's support.
  const kind =
    plan.mode === "subset" ? (config.policy.kind === "all" ? "explicit" : config.policy.kind) : plan.mode;
  for (const v of config.tls) {
    if (!TLS_VERSIONS.includes(v))
      throw new InputError(`${def.name}.tls`, `"${v}" is not one of ${TLS_VERSIONS.join(", ")}`);
    if (!def.capabilities[kind][v].supported)
      throw new InputError(
        `${def.name}.policy`,
        `policy "${policyName(config.policy)}" (${kind}) is not supported by ${def.name} on TLS ${v}`,
      );
  }
  if (config.tls.length === 0) throw new InputError(`${def.name}.tls`, "no TLS version given");
  if (config.clientAuth === "optional" && def.optionalClientAuth?.supported === false)
    throw new InputError(
      `${def.name}.clientAuth`,
      `"optional" is not supported by ${def.name}: ${capabilityText(def.optionalClientAuth)}`,
    );
  if (config.legacyCompat && !def.legacy.supported)
    throw new InputError(
      `${def.name}.legacyCompat`,
      `not supported by ${def.name}: ${capabilityText(def.legacy)}`,
    );
  checkHandshakeOptions(def.name, def.handshake ?? {}, config);
}

async function availability(def: DriverDefinition, runtime: Runtime): Promise<Availability> {
  const bin = await runtime.hasBinary(def.binary.name, def.binary.pkg);
  if (!bin.ok) return bin;
  if (def.isolated) return runtime.canIsolate();
  return { ok: true };
}

/** Turn a product definition into a driver. */
export function defineDriver(def: DriverDefinition): ServerDriver {
  return {
    name: def.name,
    capabilities: def.capabilities,
    notes: def.notes,
    limits: def.limits,
    legacy: def.legacy,
    optionalClientAuth: def.optionalClientAuth ?? { supported: true },
    packages: def.packages,
    ...(def.starttls ? { starttls: def.starttls } : {}),
    application: def.application ?? defaultApplication(def.starttls),
    available: (runtime) => availability(def, runtime),
    start: (config, runtime) => DriverServer.start(def, config, runtime),
    definition: def,
  };
}

/** A running server of any driver, under any runtime. */
export class DriverServer implements StartedTlsServer {
  /** Where the server is reached: the runtime's host (127.0.0.1, or a remote engine's address). */
  readonly host: string;
  readonly driver: string;
  readonly starttls?: StartTlsProtocol;
  readonly application: ApplicationProtocol;
  #config: ServerConfig;
  #launched?: Launched;
  #versions: Record<string, string> = {};
  /** What the last confirmed reload found served, and its plan (names as DER hex); unknown after a start. */
  #served?: ServedBefore;
  /** Free ports for the config's other listeners, picked once and kept across reloads. */
  #extraPorts: number[] = [];

  private constructor(
    private readonly def: DriverDefinition,
    config: ServerConfig,
    private readonly runtime: Runtime,
    readonly dir: string,
    readonly port: number,
  ) {
    this.driver = def.name;
    if (def.starttls) this.starttls = def.starttls;
    this.application = def.application ?? defaultApplication(def.starttls);
    this.host = runtime.host;
    this.#config = config;
  }

  static async start(def: DriverDefinition, config: ServerConfig, runtime: Runtime): Promise<DriverServer> {
    checkSupported(def, config, planIssuers(config.store, config.policy));
    // A user's image has no package labels to check: starting it shows whether the server is there.
    const ok = config.image ? { ok: true } : await availability(def, runtime);
    if (!ok.ok)
      throw new EngineError(`${def.name} is unavailable in the ${runtime.kind} runtime: ${ok.reason}`);
    const dir = await runtime.makeDir(def.name, def.dropsTo ? { forUser: def.dropsTo } : {});
    await mkdir(join(dir, STATE_DIR), { mode: 0o700 });
    const started = Date.now();
    const server = await DriverServer.#launchOnFreePort(def, config, runtime, dir);
    const port = server.port;
    if (config.image) Object.assign(server.#versions, await server.#versionsFromServer());
    else {
      const pkgs = await runtime.packageVersions(Object.values(def.packages));
      for (const [label, pkg] of Object.entries(def.packages))
        if (pkgs[pkg]) server.#versions[label] = pkgs[pkg];
    }
    Object.assign(server.#versions, def.versionsFromLog?.(server.#launched!.output()) ?? {});
    server.#versions.runtime = runtime.kind;
    log.debug(
      { server: def.name, port, ms: Date.now() - started, policy: policyName(config.policy) },
      "server started",
    );
    return server;
  }

  /**
   * A user's image: the image, and the version the server itself states (`nginx -v`), since the
   * image's package labels, if any, are not rootload's.
   */
  async #versionsFromServer(): Promise<Record<string, string>> {
    const out: Record<string, string> = { image: this.#config.image! };
    const v = this.def.version;
    if (!v || !this.#launched) return out;
    const r = await this.#launched.exec(v.argv, RELOAD_TIMEOUT_MS).catch((err) => {
      log.warn({ server: this.driver, err: messageOf(err) }, "could not read the server's version");
      return undefined;
    });
    const m = r ? v.pattern.exec(r.output) : null;
    out[v.label] = m
      ? `${m[1]} (${v.argv.join(" ")})`
      : `unknown (${v.argv.join(" ")} said nothing readable)`;
    return out;
  }

  /**
   * Launch on a port the kernel just handed out. Between that pick and the server's bind another
   * socket can take the port (a client's ephemeral source port, a parallel run): a launch that
   * failed with "Address already in use" is tried once more on a freshly picked port.
   */
  static async #launchOnFreePort(
    def: DriverDefinition,
    config: ServerConfig,
    runtime: Runtime,
    dir: string,
  ): Promise<DriverServer> {
    for (let attempt = 1; ; attempt++) {
      const port = await runtime.freePort();
      const server = new DriverServer(def, config, runtime, dir, port);
      try {
        await server.#launch();
        return server;
      } catch (err) {
        if (attempt >= PORT_ATTEMPTS || !ADDRESS_IN_USE.test(messageOf(err))) throw err;
        log.warn({ server: def.name, port }, "port taken between pick and bind; picking another");
      }
    }
  }

  /** The directory's absolute path for a file name. */
  file(name: string): string {
    return join(this.dir, name);
  }

  get config(): ServerConfig {
    return this.#config;
  }

  async #render(config: ServerConfig): Promise<{ ctx: RenderContext; argv: string[] }> {
    const plan = planIssuers(config.store, config.policy);
    const want = this.def.extraPorts?.() ?? 0;
    while (this.#extraPorts.length < want) {
      const p = await this.runtime.freePort();
      if (p !== this.port && !this.#extraPorts.includes(p)) this.#extraPorts.push(p);
    }
    const ctx: RenderContext = {
      config,
      plan,
      dir: this.dir,
      listenHost: this.runtime.host,
      listenPort: this.def.isolated?.innerPort ?? this.port,
      extraPorts: this.#extraPorts,
      file: (n) => this.file(n),
      state: (n) => join(this.dir, STATE_DIR, n),
      node: this.runtime.nodeBinary(),
    };
    const rendered = this.def.render(ctx);
    const { pki } = config;
    const files: Record<string, string> = {
      [COMMON_FILES.cert]: pki.server.certPem,
      [COMMON_FILES.key]: pki.server.keyPem,
      [COMMON_FILES.certAndKey]: pki.server.certPem + pki.server.keyPem,
      // No client key here: nothing in the server's directory needs one, and with a user's identity
      // it would be a copy of their key.
      ...issuerFiles(plan),
      ...rendered.files,
    };
    // Written aside and renamed into place: a server that re-reads its files at any moment (a late
    // duplicate reload signal reached HAProxy mid-write under load) sees old or new, never half.
    await Promise.all(
      Object.entries(files).map(async ([n, text]) => {
        const tmp = `${this.file(n)}.tmp-${process.pid}`;
        // A user's template may include files from folders beside it (nginx: snippets/tls.conf).
        if (n.includes("/")) await mkdir(dirname(this.file(n)), { recursive: true });
        // 0600 for all: keys among them, and the server reads them as the user that wrote them.
        await writeFile(tmp, text, { mode: 0o600 });
        await rename(tmp, this.file(n));
      }),
    );
    return { ctx, argv: rendered.argv };
  }

  /**
   * Render and start the server. With `previous` (a server of this instance being replaced: a
   * restart-type reload, or one that stopped listening) the runtime restarts it in place where it
   * can (the same container); if the new one fails, `previous` keeps what was kept.
   */
  async #launch(previous?: Launched): Promise<void> {
    this.#served = undefined;
    const { argv } = await this.#render(this.#config);
    const { ready, startFailed } = this.def;
    const readyOrFailed = startFailed ? new RegExp(`${ready.source}|${startFailed.source}`) : ready;
    const spec: LaunchSpec = {
      name: this.def.name,
      dir: this.dir,
      argv,
      port: this.port,
      isolated: this.def.isolated,
      ...(this.def.rootCapabilities ? { rootCapabilities: this.def.rootCapabilities } : {}),
      ...(this.def.dropsTo ? { dropsTo: this.def.dropsTo } : {}),
      ready: {
        log: readyOrFailed,
        timeoutMs: this.def.readyTimeoutMs ?? DEFAULT_READY_MS,
      },
      ...(this.#config.image ? { image: this.#config.image } : {}),
    };
    let launched: Launched;
    if (previous?.restart) launched = await previous.restart(spec);
    else {
      await previous?.stop();
      launched = await this.runtime.launch(spec);
    }
    // The engine's own wait can see the line before the output kept here does (a container's log stream).
    if (startFailed) {
      const seen = await launched.waitForLog(readyOrFailed, 0, DEFAULT_READY_MS).then(
        () => !startFailed.test(launched.output()),
        () => false,
      );
      if (!seen) {
        await launched.stop();
        throw new EngineError(`${this.def.name}: did not start; output:\n${launched.output().trim()}`);
      }
    }
    this.#launched = launched;
  }

  address(): string {
    return `${this.host}:${this.port}`;
  }

  versions(): Record<string, string> {
    return { ...this.#versions };
  }

  async logs(): Promise<string> {
    return this.#launched?.output() ?? "";
  }

  isRunning(): Promise<boolean> {
    return this.#launched ? this.#launched.isRunning() : Promise.resolve(false);
  }

  /**
   * Serve `store` (and `policy`). Servers with a reload mechanism keep their process: render the
   * new files, signal the server and wait for its log to acknowledge, make sure it still accepts
   * connections, then check with the probe that the new list is really served (nginx and Apache
   * finish old workers asynchronously). Others restart.
   */
  async reload(store: RootStore, policy?: IssuerPolicy, options: ReloadOptions = {}): Promise<ReloadReport> {
    const config: ServerConfig = { ...this.#config, store, policy: policy ?? this.#config.policy };
    const plan = planIssuers(config.store, config.policy);
    checkSupported(this.def, config, plan);
    const method = this.def.reload;
    const launched = this.#launched;
    if (method.kind === "restart" || !launched || !(await launched.isRunning())) {
      this.#config = config;
      await this.#launch(launched);
      return { how: "restart", servedCheck: { kind: "not-needed", why: "restarted" } };
    }
    const t0 = performance.now();
    const before = options.servedCheck === "none" ? undefined : await this.#servedBefore();
    const { ctx } = await this.#render(config);
    await launched.syncFiles();
    this.#config = config;
    this.#served = undefined;
    await this.#signalReload(launched, method, ctx);
    const signalledMs = Math.round(performance.now() - t0);
    // A server can acknowledge a reload and then stop listening (stunnel did after SIGHUP with an
    // oversized list): one that does not accept connections now is restarted instead.
    if (!(await awaitTcpOpen(this.host, this.port, 3_000))) {
      log.warn({ driver: this.driver, port: this.port }, "not listening after reload; restarting");
      await this.#launch(launched);
      return {
        how: "restart",
        servedCheck: { kind: "not-needed", why: "not listening after reload: restarted" },
      };
    }
    if (options.servedCheck === "none")
      return { how: "in-place", servedCheck: { kind: "skipped", why: "the caller checks the wire itself" } };
    const { servedCheck, result } = await this.#awaitServed(plan, launched, method.done, before);
    // Where a reload's time goes: render, copy and the reload command (an exec into the container)
    // until the server's log says done, then the served check.
    log.debug({ server: this.driver, signalledMs, servedCheck }, "reloaded");
    return { how: "in-place", servedCheck, ...(result ? { served: { tls: this.#checkTls, result } } : {}) };
  }

  /**
   * Run the driver's reload command and wait for its log to say done or refused. A signal that
   * arrives while the server is still settling after start can be lost (seen with HAProxy's
   * master right after "Loading success"): send it again a few times before failing.
   */
  async #signalReload(
    launched: Launched,
    method: Extract<ReloadMethod, { kind: "command" }>,
    ctx: RenderContext,
  ): Promise<void> {
    const from = launched.outputLength();
    const before = method.workers
      ? liveWorkers(launched.outputSince(0), method.workers.started, method.workers.exited)
      : [];
    const argv = method.argv(ctx);
    const either = new RegExp(`${method.done.source}|${method.failed.source}`);
    const acknowledged = (ms: number) =>
      before.length === 0
        ? launched.waitForLog(either, from, ms)
        : this.#awaitWorkersGone(launched, method, before, from, ms);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= RELOAD_ATTEMPTS;
      let exited: { exitCode: number; output: string } | undefined;
      try {
        // In a user's image the server is the container's main process: signal it through the engine.
        if (method.signal && launched.signalMain) await launched.signalMain(method.signal);
        else exited = await launched.exec(argv, RELOAD_TIMEOUT_MS);
      } catch (err) {
        log.debug({ server: this.driver, attempt, err: messageOf(err) }, "reload command did not finish");
      }
      if (exited && exited.exitCode !== 0)
        throw new EngineError(
          `${this.driver}: reload command "${argv.join(" ")}" exited with ${exited.exitCode}: ${exited.output.trim()}`,
        );
      try {
        await acknowledged(last ? RELOAD_TIMEOUT_MS : RELOAD_RETRY_MS);
        break;
      } catch (err) {
        if (!(err instanceof EngineError) || !(await launched.isRunning())) throw err;
        // The server said it got the signal: it is slow, not deaf. Wait the whole timeout rather
        // than signal again (an exec that timed out on a loaded engine may have delivered it too).
        if (method.received?.test(launched.outputSince(from))) {
          await acknowledged(RELOAD_TIMEOUT_MS);
          break;
        }
        if (last) throw err;
        log.debug(
          { server: this.driver, attempt, err: messageOf(err) },
          "reload not acknowledged, sending again",
        );
      }
    }
    const after = launched.outputSince(from);
    if (method.failed.test(after))
      throw new EngineError(
        `${this.driver}: reload was refused, the old configuration is still served:\n${after.trim()}`,
      );
  }

  /** Wait until each of `pids` has logged its exit (or the reload was refused). */
  async #awaitWorkersGone(
    launched: Launched,
    method: Extract<ReloadMethod, { kind: "command" }>,
    pids: readonly string[],
    from: number,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (const pid of pids) {
      const exited = method.workers!.exited(pid);
      await launched.waitForLog(
        new RegExp(`${exited.source}|${method.failed.source}`),
        from,
        Math.max(1, deadline - performance.now()),
      );
      if (method.failed.test(launched.outputSince(from))) return;
    }
  }

  /**
   * Confirm with the probe that the server advertises the planned list, looking again on the
   * server's next `done` line (awaitServed). OpenSSL's CA-name loading sends a name once even
   * when re-keyed roots share it; Node passes the list through as given: either count shows the
   * new list is served. A list too large for any server to send is not checked, and the report
   * says so.
   */
  async #awaitServed(
    plan: IssuerPlan,
    launched: Launched,
    done: RegExp,
    before: ServedBefore | undefined,
  ): Promise<{ servedCheck: ServedCheck; result?: ProbeResult }> {
    const planned = plannedAdvertised(plan);
    const unique = uniqueNames(planned);
    const plannedKeys = new Set(planned.map((e) => nameKey(e.subjectDer)));
    // Counted with repeats: a server that keeps them (Node, JSSE, Erlang) sends that many bytes,
    // and past 65,535 its list is malformed or refused, so there is nothing to confirm.
    const bytes = caListBytes(planned);
    if (bytes > CHECKABLE_LIST_BYTES)
      return {
        servedCheck: {
          kind: "skipped",
          why: `list of ${bytes} B is over ${CHECKABLE_LIST_BYTES} B, past what servers send: served list not checked after reload`,
        },
      };
    const c = await awaitServed({
      launched,
      driver: this.driver,
      host: this.host,
      port: this.port,
      ...(this.starttls ? { starttls: this.starttls } : {}),
      tls: this.#checkTls,
      counts: new Set([planned.length, unique.length]),
      planned: plannedKeys,
      ...(before ? { before } : {}),
      done,
      timeoutMs: RELOAD_TIMEOUT_MS,
    });
    this.#served = { served: c.served, planned: plannedKeys };
    return {
      servedCheck: {
        kind: "probed",
        ms: c.ms,
        probes: c.probes,
        ...(c.leftOut ? { leftOut: c.leftOut } : {}),
      },
      result: c.result,
    };
  }

  /**
   * The plan in force and the list served now, as the next served check's `before`: remembered
   * from the last check, or (after a start or an unchecked reload) the list looked at once with
   * the probe, absent when it reads none.
   */
  async #servedBefore(): Promise<ServedBefore> {
    if (this.#served) return this.#served;
    const planned = new Set(
      plannedAdvertised(planIssuers(this.#config.store, this.#config.policy)).map((e) =>
        nameKey(e.subjectDer),
      ),
    );
    const r = await probe({
      host: this.host,
      port: this.port,
      tls: this.#checkTls,
      timeoutMs: 5_000,
      ...(this.starttls ? { starttls: this.starttls } : {}),
    });
    const authorities = r.certificateRequest?.authorities;
    return authorities ? { planned, served: new Set(authorities.map((a) => nameKey(a.der))) } : { planned };
  }

  /** The version the served check speaks: TLS 1.2 where the server has it (the list is in the clear). */
  get #checkTls(): TlsVersion {
    return this.#config.tls.includes("1.2") ? "1.2" : "1.3";
  }

  async stop(): Promise<void> {
    await this.#launched?.stop();
    this.#launched = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Worker pids a log shows started and not (yet) exited. */
export function liveWorkers(output: string, started: RegExp, exited: (pid: string) => RegExp): string[] {
  const pids = [...output.matchAll(new RegExp(started.source, "g"))].map((m) => m[1]!);
  return [...new Set(pids)].filter((pid) => !exited(pid).test(output));
}
