import type { ApplicationProtocol } from "../model/application.ts";
import type { IssuerPolicy } from "../model/policy.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { ProbeResult } from "../probe/probe.ts";
import type { RootStore } from "../roots/root-store.ts";

export interface ReloadOptions {
  /**
   * "confirm" (default): after an in-place reload, wait until the probe sees the new list.
   * "none": return once the server logged its reload — for a caller that checks the wire itself
   * (the servers bench times the former `s_client` polling this way, as its reference).
   */
  servedCheck?: "confirm" | "none";
}

/**
 * Whether a reload was checked by probing the served list. `not-needed`: a fresh process serves
 * only the new files. `skipped`: the new list may not be what is served, and results must say so.
 */
export type ServedCheck =
  /**
   * Confirmed by the probe after `ms`, in `probes` looks (1: served at the first look); `leftOut`:
   * planned names the server did not serve (it could not read their certificates).
   */
  | { kind: "probed"; ms: number; probes?: number; leftOut?: number }
  | { kind: "not-needed"; why: string }
  | { kind: "skipped"; why: string };

/** How a reload went: in place (the process kept) or by a restart, and its served check. */
export interface ReloadReport {
  how: "in-place" | "restart";
  servedCheck: ServedCheck;
  /**
   * The served check's last look, when it probed: what the server sends a bare ClientHello on
   * `tls` now. A caller that needs that reading (the run's served check) takes it from here
   * instead of probing again.
   */
  served?: { tls: TlsVersion; result: ProbeResult };
}

/** A running server. Failed handshakes are results; a server that will not start throws. */
export interface StartedTlsServer extends AsyncDisposable {
  readonly driver: string;
  readonly host: string;
  readonly port: number;
  /** The plaintext prelude a client runs before TLS, when the server needs one. */
  readonly starttls?: StartTlsProtocol;
  /** What a client says after the handshake (model/application.ts); absent: the STARTTLS protocol's, else http. */
  readonly application?: ApplicationProtocol;
  /** "host:port" */
  address(): string;
  /** Product and library versions, e.g. { nginx: "1.22.1", openssl: "3.0.17" }. */
  versions(): Record<string, string>;
  /** Recent log lines of the server process. */
  logs(): Promise<string>;
  /** Swap the root store (and policy) without a restart where the server supports it. */
  reload(store: RootStore, policy?: IssuerPolicy, options?: ReloadOptions): Promise<ReloadReport>;
  /** True while the server process is alive. */
  isRunning(): Promise<boolean>;
  stop(): Promise<void>;
}
