import { writeFile } from "node:fs/promises";
import { createConnection, type Socket } from "node:net";
import path from "node:path";
import { messageOf } from "../errors.ts";
import { log } from "../log.ts";
import { applicationStep, defaultApplication } from "../model/application.ts";
import type { ClientSpec } from "../model/client-spec.ts";
import type { Outcome } from "../model/outcome.ts";
import type { CertAndKey } from "../pki/test-pki.ts";
import type { Availability, Launched, Runtime } from "../runtime/runtime.ts";
import { identityOf, outcomeText } from "./issuer-selection.ts";
import type { HandshakeOptions, HandshakeResult, TlsClient } from "./tls-client.ts";

/** How long to wait for a TLS 1.3 server's verdict on the client certificate after the handshake (ms). */
export const VERDICT_MS = 500;

/** What a looping client program needs from its driver. */
export interface LoopProgram {
  /** Runs on the host even in the container runtime (not in the image). */
  hostOnly?: boolean;
  /** Whether it can run on this runtime, and why not. */
  availability(rt: Runtime): Promise<Availability>;
  /**
   * The command, given the control port and the spec (options become flags). `dir` is the client's
   * own folder, seen at the same path where it runs (mounted into its container): a program can
   * put its script or classes there.
   */
  argv(rt: Runtime, controlPort: number, spec: ClientSpec, dir: string): Promise<string[]>;
  /** The line it prints once listening; group 1 is its version text. */
  ready: RegExp;
  /** The client's own failure text → an outcome. */
  classify(detail: string): Outcome;
  /** It reports what its default selection chose (java's key manager, go's SupportsCertificate). */
  reportsSelection: boolean;
}

/** One line of the client's answer. */
export interface LoopAnswer {
  ok: boolean;
  ms: number;
  /** What the client chose: an alias, or null for no certificate. */
  alias: string | null;
  /** CA names handed to the selection; null: never asked (no CertificateRequest read). */
  issuers: number | null;
  detail: string;
}

export function parseAnswer(line: string): LoopAnswer {
  const [, status, ms, alias, issuers, ...rest] = line.split("\t");
  const n = Number(issuers);
  return {
    ok: status === "ok",
    ms: Number(ms) || 0,
    alias: !alias || alias === "null" ? null : alias,
    issuers: Number.isFinite(n) && n >= 0 ? n : null,
    detail: rest.join("\t"),
  };
}

interface Session {
  proc: Launched;
  socket: Socket;
  dir: string;
  version: string;
  /** Answers awaited, by request id (a late answer to a timed-out request is dropped). */
  pending: Map<string, (line: string | undefined) => void>;
  files: Map<CertAndKey, { cert: string; key: string }>;
  dead: boolean;
}

/**
 * A client process that stays up for the run and is fed handshakes over a control connection
 * (one JVM, one Go process, one Python interpreter per option set): start-up would otherwise be
 * the whole latency figure. Launched by the runtime, so in the container runtime it runs in the
 * server image, on the host network, and is removed with the run's containers.
 */
export class LoopClient implements TlsClient {
  #session: Promise<Session> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #ownRuntime: Runtime | undefined;
  #next = 0;

  constructor(
    readonly spec: ClientSpec,
    private readonly program: LoopProgram,
    private readonly runtimeOf: () => Promise<Runtime>,
  ) {}

  get name() {
    return this.spec.name;
  }
  get label() {
    return this.spec.label;
  }
  get selection() {
    return this.spec.selection;
  }

  async availability(): Promise<Availability> {
    try {
      return await this.program.availability(await this.#runtime());
    } catch (err) {
      return { ok: false, reason: messageOf(err) };
    }
  }

  async available(): Promise<boolean> {
    return (await this.availability()).ok;
  }

  /** The version line the client printed when it came up. */
  async version(): Promise<string | undefined> {
    if (!(await this.available())) return undefined;
    return (await this.#start()).version;
  }

  async #runtime(): Promise<Runtime> {
    if (this.program.hostOnly) {
      if (!this.#ownRuntime) {
        const { ProcessRuntime } = await import("../runtime/process-runtime.ts");
        this.#ownRuntime = new ProcessRuntime();
      }
      return this.#ownRuntime;
    }
    return this.runtimeOf();
  }

  #start(): Promise<Session> {
    this.#session ??= this.#launch().catch((err) => {
      this.#session = undefined;
      throw err;
    });
    return this.#session;
  }

  async #launch(): Promise<Session> {
    const rt = await this.#runtime();
    const dir = await rt.makeDir(`${this.spec.name}-client`);
    const port = await rt.freePort();
    const proc = await rt.launch({
      name: `${this.spec.label}-client`,
      dir,
      argv: await this.program.argv(rt, port, this.spec, dir),
      ready: { log: this.program.ready, timeoutMs: 60_000 },
      port,
    });
    // The engine's ready wait can return before our log consumer has the line.
    await proc.waitForLog(this.program.ready, 0, 10_000).catch(() => {});
    const version = this.program.ready.exec(proc.output())?.[1] ?? "";
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection({ host: "127.0.0.1", port }, () => resolve(s));
      s.once("error", reject);
    });
    socket.setNoDelay(true);
    const session: Session = {
      proc,
      socket,
      dir,
      version,
      pending: new Map(),
      files: new Map(),
      dead: false,
    };
    let buf = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      buf += d;
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const id = line.slice(0, line.indexOf("\t"));
        const w = session.pending.get(id);
        session.pending.delete(id);
        w?.(line);
      }
    });
    const die = () => {
      session.dead = true;
      for (const w of session.pending.values()) w(undefined);
      session.pending.clear();
    };
    socket.on("error", die);
    socket.on("close", die);
    log.debug({ client: this.spec.label, version }, "client process up");
    return session;
  }

  async #identityFiles(s: Session, id: CertAndKey): Promise<{ cert: string; key: string }> {
    let f = s.files.get(id);
    if (!f) {
      const n = s.files.size;
      f = { cert: path.join(s.dir, `id${n}.crt`), key: path.join(s.dir, `id${n}.key`) };
      await writeFile(f.cert, id.certPem, { mode: 0o600 });
      await writeFile(f.key, id.keyPem, { mode: 0o600 });
      s.files.set(id, f);
    }
    return f;
  }

  async #ask(s: Session, id: string, line: string, timeoutMs: number): Promise<string | undefined> {
    if (s.dead) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        s.pending.delete(id);
        resolve(undefined);
      }, timeoutMs);
      s.pending.set(id, (l) => {
        clearTimeout(timer);
        resolve(l);
      });
      s.socket.write(`${line}\n`);
    });
  }

  handshake(o: HandshakeOptions): Promise<HandshakeResult> {
    // One handshake at a time per process: answers come back in order on one connection.
    const next = this.#queue.then(() => this.#handshake(o));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #handshake(o: HandshakeOptions): Promise<HandshakeResult> {
    const avail = await this.availability();
    if (!avail.ok)
      return {
        outcome: { class: "client-unavailable", detail: avail.reason ?? "unavailable", side: "client" },
        ms: 0,
      };
    let s: Session;
    try {
      s = await this.#start();
      // The process ended between handshakes (e.g. its container was removed): nothing this case
      // did; start a fresh one rather than report the case as failed.
      if (s.dead) {
        await this.#drop();
        s = await this.#start();
      }
    } catch (err) {
      return {
        outcome: {
          class: "client-unavailable",
          detail: `${this.spec.label} client did not start: ${messageOf(err).split("\n")[0]}`,
          side: "client",
        },
        ms: 0,
      };
    }
    // What the program does after the handshake: a GET to a web server, nothing to any other (the
    // java, go and python programs can always stay silent: model/application.ts).
    const step = applicationStep(this.spec.name, o.application ?? defaultApplication(o.starttls)) ?? "none";
    const held = identityOf(o.pki, o.identity);
    const files = held ? await this.#identityFiles(s, held) : undefined;
    const timeoutMs = o.timeoutMs ?? 10_000;
    const id = String(++this.#next);
    const req = [
      id,
      o.host,
      o.port,
      o.tls,
      files?.cert ?? "-",
      files?.key ?? "-",
      timeoutMs,
      VERDICT_MS,
      // Only clients that speak a prelude are ever asked for one (the scenario validator checks).
      o.starttls ?? "-",
      step,
    ].join("\t");
    const line = await this.#ask(s, id, req, timeoutMs + VERDICT_MS + 5_000);
    if (line === undefined) {
      const tail = s.proc.output().split("\n").slice(-5).join(" | ");
      const died = s.dead;
      await this.#drop();
      return {
        outcome: died
          ? {
              class: "reset",
              detail: `${this.spec.label} client process ended during the handshake${tail ? `: ${tail}` : ""}`,
              side: "client",
            }
          : {
              class: "timeout",
              detail: `${this.spec.label} client gave no answer within ${timeoutMs + VERDICT_MS + 5_000} ms${tail ? `: ${tail}` : ""}`,
            },
        ms: timeoutMs,
      };
    }
    const a = parseAnswer(line);
    const certificate = this.program.reportsSelection
      ? { certificate: { sent: a.alias !== null, issuersSeen: a.issuers } }
      : {};
    if (a.ok) return { outcome: { class: "ok" }, ms: a.ms, ...certificate };
    let outcome = this.program.classify(a.detail);
    // The client's own selection withheld a certificate it held: the KB 2801679 failure, proven by
    // what the client reported choosing, with the server's reaction kept as detail.
    if (this.program.reportsSelection && held && a.alias === null && a.issuers !== null && a.issuers > 0)
      outcome = {
        class: "issuer-not-advertised",
        detail: `no certificate sent: the client's own selection chose none for ${a.issuers} advertised names; then ${outcomeText(outcome)}`,
      };
    return { outcome, ms: a.ms, ...certificate };
  }

  async #drop(): Promise<void> {
    const s = await this.#session?.catch(() => undefined);
    this.#session = undefined;
    if (!s) return;
    s.socket.destroy();
    await s.proc.stop().catch(() => {});
  }

  async close(): Promise<void> {
    const s = await this.#session?.catch(() => undefined);
    if (s && !s.dead) s.socket.end("quit\n");
    await this.#drop();
    await this.#ownRuntime?.close();
    this.#ownRuntime = undefined;
  }
}
