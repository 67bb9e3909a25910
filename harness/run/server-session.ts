import { EngineError, messageOf } from "../errors.ts";
import { type IssuerPolicy, policyName } from "../model/policy.ts";
import { TLS_VERSIONS, type TlsVersion } from "../model/tls.ts";
import type { TestPki } from "../pki/test-pki.ts";
import type { ProbeOptions, ProbeResult } from "../probe/probe.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { ServerSpec } from "../scenario/define-scenario.ts";
import { DRIVERS } from "../servers/drivers/registry.ts";
import type { StartedTlsServer } from "../servers/started-tls-server.ts";
import { TlsServer } from "../servers/tls-server.ts";
import { type RunPhases, timed } from "./phases.ts";
import type { RootStep } from "./plan.ts";
import { endpointServer, startTemplateServer } from "./start-server.ts";

/** The wire probe as the session calls it (harness/probe's `probe`, or a stand-in in a bench). */
export type ProbeFn = (options: ProbeOptions) => Promise<ProbeResult>;

export interface ServerSessionOptions {
  pki: TestPki;
  runtime: Runtime;
  /** Per-probe network timeout, ms. */
  timeoutMs: number;
  /** Accept the node-forge legacy client model (TLS 1.0, RSA key exchange). */
  legacyCompat: boolean;
  /** Where start, reload and probe time is added. */
  phases: RunPhases;
}

/**
 * One server of the scenario across its cases: started on first use, reloaded when the step or
 * policy changes, restarted after a crash. The served check (what the server sends a bare
 * ClientHello: the probe's reading of its CertificateRequest) is taken once per loaded list and
 * TLS version and shared by the clients of a step. Holds no state outside the instance, so
 * several sessions can run at once.
 */
export class ServerSession {
  #server: StartedTlsServer | undefined;
  #loaded = "";
  #probes = new Map<string, ProbeResult>();
  #versions: Record<string, string> = {};
  #skipped: string[] = [];

  constructor(
    readonly spec: ServerSpec,
    readonly options: ServerSessionOptions,
  ) {}

  /** Product and library versions of the server, once it has started. */
  get versions(): Record<string, string> {
    return this.#versions;
  }

  /** Checks skipped while bringing up the loaded list (recorded on each of its cases). */
  get skippedChecks(): readonly string[] {
    return this.#skipped;
  }

  /** The running server, if any (it may have been dropped after a crash). */
  get server(): StartedTlsServer | undefined {
    return this.#server;
  }

  /** A server serving `step` under `policy`: started, reloaded or restarted as needed. */
  async serve(step: RootStep, policy: IssuerPolicy): Promise<StartedTlsServer> {
    const key = `${step.index}|${policyName(policy)}`;
    if (this.#server && !(await this.isRunning())) await this.drop();
    if (!this.#server) {
      const started = await this.#start(step, policy);
      this.#server = started;
      this.#versions = started.versions();
      this.#loaded = key;
      this.#skipped = [];
      return started;
    }
    if (this.#loaded !== key) {
      const server = this.#server;
      const report = await timed(this.options.phases, "reload", () => server.reload(step.store, policy));
      this.#loaded = key;
      this.#skipped = report.servedCheck.kind === "skipped" ? [report.servedCheck.why] : [];
      // The reload's served check already read the new list on one version: no second probe for it.
      if (report.served) this.#probes.set(`${key}|${report.served.tls}`, report.served.result);
    }
    return this.#server;
  }

  async #start(step: RootStep, policy: IssuerPolicy): Promise<StartedTlsServer> {
    const { runtime, pki, phases } = this.options;
    const spec = this.spec;
    if (spec.driver === "endpoint") return timed(phases, "start", async () => endpointServer(spec));
    const { config: template } = spec;
    if (template !== undefined) {
      const config = {
        store: step.store,
        policy,
        tls: spec.tls ?? TLS_VERSIONS,
        clientAuth: spec.clientAuth ?? "require",
        pki,
        ...(spec.image ? { image: spec.image } : {}),
      };
      return timed(phases, "start", () =>
        startTemplateServer({ ...spec, config: template }, config, runtime),
      );
    }
    // A user's image carries no package labels to check: its server is found by starting it.
    const available = spec.image ? { ok: true } : await DRIVERS[spec.driver].available(runtime);
    if (!available.ok)
      throw new EngineError(
        `${spec.driver} is unavailable on the ${runtime.kind} runtime: ${available.reason}`,
      );
    const builder = new TlsServer(spec.driver)
      .withRoots(step.store)
      .withIssuerPolicy(policy)
      .withTls(spec.tls ?? TLS_VERSIONS)
      .withClientAuth(spec.clientAuth ?? "require")
      .withPki(pki)
      .withLegacyCompat(this.options.legacyCompat)
      .withImage(spec.image);
    return timed(phases, "start", () => builder.start(runtime));
  }

  /** The served check for the loaded list on `tls`, probed once and then reused. */
  async served(tls: TlsVersion, probe: ProbeFn): Promise<ProbeResult> {
    const server = this.#server;
    if (!server) throw new Error("ServerSession.served() before serve()");
    const key = `${this.#loaded}|${tls}`;
    let result = this.#probes.get(key);
    if (!result) {
      result = await timed(this.options.phases, "probe", () =>
        probe({
          host: server.host,
          port: server.port,
          tls,
          timeoutMs: this.options.timeoutMs,
          ...(this.spec.driver === "endpoint" && this.spec.sni ? { sni: this.spec.sni } : {}),
          ...(server.starttls ? { starttls: server.starttls } : {}),
        }),
      );
      this.#probes.set(key, result);
    }
    return result;
  }

  /** True while the server process (or container) is alive; false when there is none. */
  async isRunning(): Promise<boolean> {
    return (await this.#server?.isRunning().catch(() => false)) ?? false;
  }

  /** The last 20 lines of the server's log, or undefined when no server is running. */
  async logTail(): Promise<string | undefined> {
    const server = this.#server;
    if (!server) return undefined;
    const text = await server.logs().catch((err) => `(logs unavailable: ${messageOf(err)})`);
    return text.split("\n").slice(-20).join("\n");
  }

  /** Stop the server; the next `serve()` starts a fresh one. */
  async drop(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    this.#loaded = "";
    this.#skipped = [];
    this.#probes.clear();
    await s?.stop().catch(() => {});
  }

  async close(): Promise<void> {
    await this.drop();
  }
}
