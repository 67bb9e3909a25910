import type { ApplicationProtocol } from "../model/application.ts";
import type { DriverName } from "../model/names.ts";
import type { PolicyKind } from "../model/policy.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { Availability, Launched, Runtime } from "../runtime/runtime.ts";
import type { HandshakeCapabilities } from "./handshake-options.ts";
import type { IssuerPlan } from "./issuer-plan.ts";
import type { ServerConfig } from "./server-config.ts";
import type { StartedTlsServer } from "./started-tls-server.ts";

/**
 * Whether a server (or client) can do something, and a note on how or how far: "(file order
 * kept)", "as a subset (…)", ", but sends an empty extension". Data, so the check is a field
 * and not a reading of the prose.
 */
export interface Capability {
  supported: boolean;
  how?: string;
}

/** The capability as the table prints it: "yes"/"no", then the note. */
export function capabilityText(c: Capability): string {
  const word = c.supported ? "yes" : "no";
  if (!c.how) return word;
  return c.how.startsWith(",") ? `${word}${c.how}` : `${word} ${c.how}`;
}
export type Capabilities = Record<PolicyKind, Record<TlsVersion, Capability>>;

/** A server product: what it can do, and how to run it under any runtime. */
export interface ServerDriver {
  readonly name: DriverName;
  readonly capabilities: Capabilities;
  /** Facts worth printing beside the capability table (list order, wire quirks). */
  readonly notes: readonly string[];
  /** What happens as the advertised list grows, per TLS version (measured; see the integration tests). */
  readonly limits: Readonly<Record<TlsVersion, string>>;
  /** Whether `legacyCompat` (TLS 1.0, RSA key exchange, SECLEVEL 0) works. */
  readonly legacy: Capability;
  /** Whether clientAuth "optional" (no certificate is let in, a bad one is not) is expressible. */
  readonly optionalClientAuth: Capability;
  /** Debian packages whose versions describe this server (reported by `versions()`). */
  readonly packages: Readonly<Record<string, string>>;
  /** The plaintext prelude every client must run before TLS (PostgreSQL's SSLRequest). */
  readonly starttls?: StartTlsProtocol;
  /** What a client says to it after the handshake (model/application.ts): http, postgres, mysql, none. */
  readonly application: ApplicationProtocol;
  available(runtime: Runtime): Promise<Availability>;
  start(config: ServerConfig, runtime: Runtime): Promise<StartedTlsServer>;
  /** The product definition it was made from (a user's template reuses all of it but the rendering). */
  readonly definition?: DriverDefinition;
}

/** Where and how a server is being rendered. Paths are absolute and valid in every runtime. */
export interface RenderContext {
  config: ServerConfig;
  plan: IssuerPlan;
  dir: string;
  /** The address the server listens on: the runtime's host (127.0.0.1, or a remote engine's address). */
  listenHost: string;
  /** The port the server itself listens on (the inner port for an isolated server). */
  listenPort: number;
  /** Further free ports on the listen host, as many as the definition's `extraPorts` asks for. */
  extraPorts: readonly number[];
  /** `dir/name` */
  file(name: string): string;
  /** `dir/state/name`: where the server may write (pid and temp files); the rest is read-only in a container. */
  state(name: string): string;
  /** The Node.js binary in this runtime (the node driver runs under it). */
  node: string;
}

/** What a driver renders: its own files (beside the common ones) and its command. */
export interface Rendered {
  files: Record<string, string>;
  argv: string[];
}

/**
 * A reload command that sends `signal` to the process whose pid the server wrote to `pidFile`,
 * through a shell where the server runs (the same in a container and as a local process). The
 * path is an argument, never part of the script.
 */
export function signalFromPidFile(signal: NodeJS.Signals, pidFile: string): string[] {
  return ["sh", "-c", `kill -${signal.replace(/^SIG/, "")} "$(cat "$1")"`, "sh", pidFile];
}

/** How a running server takes a new configuration. */
export type ReloadMethod =
  | { kind: "restart" }
  /**
   * Run `argv` beside the server, then wait for `done` in the log after that point. `failed`
   * in the log means the server kept its old configuration.
   */
  | {
      kind: "command";
      argv: (ctx: RenderContext) => string[];
      done: RegExp;
      failed: RegExp;
      /**
       * The server's own line saying it got the signal: once it is in the log the signal was not
       * lost, so it is never sent again (a second reload starts a second generation of workers,
       * whose late exit lines a later reload would otherwise take for its own).
       */
      received?: RegExp;
      /**
       * Workers the server names in its log (nginx). With it, a reload is acknowledged when every
       * worker alive before the signal has exited — not on the first `done` line, which may be a
       * previous reload's straggler — so from then on only workers with the new files answer.
       */
      workers?: { started: RegExp; exited: (pid: string) => RegExp };
      /**
       * The same reload as a signal to the server's own process, sent through the engine where the
       * server is the container's main process (a user's image: no shell or helpers inside).
       */
      signal?: NodeJS.Signals;
    };

/** Everything product-specific about a server; `DriverServer` does the rest. */
export interface DriverDefinition {
  name: DriverName;
  /** Binary looked up by the runtime, and the Debian package that ships it. */
  binary: { name: string; pkg: string };
  packages: Record<string, string>;
  starttls?: StartTlsProtocol;
  /** The protocol behind TLS, when it is not the STARTTLS protocol's or HTTP (stunnel's cat: `none`). */
  application?: ApplicationProtocol;
  capabilities: Capabilities;
  notes: string[];
  limits: Record<TlsVersion, string>;
  legacy: Capability;
  /** Default "yes". */
  optionalClientAuth?: Capability;
  /** No CertificateRequest, fixed groups, fixed TLS 1.2 ciphers; each refused unless listed here. */
  handshake?: HandshakeCapabilities;
  /** Listen on every address from a namespace of its own (LaunchSpec.isolated). */
  isolated?: { innerPort: number };
  ready: RegExp;
  /**
   * A line that says the server failed to start although its process lives on (stunnel logs a
   * failed bind and keeps running): the start fails at once with the output instead of waiting
   * for `ready` until the timeout.
   */
  startFailed?: RegExp;
  readyTimeoutMs?: number;
  /** Capabilities the server needs when started as root (LaunchSpec.rootCapabilities). */
  rootCapabilities?: readonly string[];
  /** The user the server switches to when started as root (LaunchSpec.dropsTo). */
  dropsTo?: string;
  reload: ReloadMethod;
  render(ctx: RenderContext): Rendered;
  /**
   * How many ports besides the listen port the config needs (a user's template with other
   * listeners: each moves to a free port of its own). Default none.
   */
  extraPorts?(): number;
  /**
   * How the running server states its version (`nginx -v`): read in a user's image, which has no
   * package labels. `label` names it in reports as the packages do.
   */
  version?: { label: string; argv: string[]; pattern: RegExp };
  /** Versions only the running server knows (read from its log), e.g. Node's bundled OpenSSL. */
  versionsFromLog?(output: string): Record<string, string>;
}

/** The running server process and where it was rendered; used by reload methods. */
export interface LaunchedServer {
  launched: Launched;
  ctx: RenderContext;
}
