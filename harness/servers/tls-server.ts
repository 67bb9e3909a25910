import type { IssuerPolicy } from "../model/policy.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { ClientAuthMode, TlsVersion } from "../model/tls.ts";
import type { TestPki } from "../pki/test-pki.ts";
import type { RootStore } from "../roots/root-store.ts";

/** Everything a driver needs to render a server's configuration. */
export interface ServerConfig {
  store: RootStore;
  policy: IssuerPolicy;
  tls: readonly TlsVersion[];
  /**
   * "none": no CertificateRequest at all, only where the driver's `handshake.noClientAuth` says
   * so (the baseline a probe or client is held against; scenarios always ask for a certificate).
   */
  clientAuth: ClientAuthMode | "none";
  pki: TestPki;
  /**
   * Also accept the legacy client model (node-forge: TLS 1.0-1.2 with RSA key exchange and
   * AES-CBC-SHA), i.e. `MinProtocol TLSv1` and `@SECLEVEL=0` on OpenSSL 3. Off by default.
   */
  legacyCompat?: boolean;
  /**
   * A user's locally present image to run instead of rootload's (container runtime). It has no
   * rootload labels or helpers: versions are read from the running server, reloads are signals.
   */
  image?: string;
  /** Key-exchange groups the server accepts, in its order of preference (OpenSSL names: "P-384"). Default: the product's. */
  groups?: readonly string[];
  /** TLS 1.2 cipher suites as an OpenSSL cipher string ("AES128-GCM-SHA256": RSA key exchange). Default: the product's. */
  cipher12?: string;
}

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
}

/** A running server. Failed handshakes are results; a server that will not start throws. */
export interface StartedTlsServer extends AsyncDisposable {
  readonly driver: string;
  readonly host: string;
  readonly port: number;
  /** The plaintext prelude a client runs before TLS, when the server needs one. */
  readonly starttls?: StartTlsProtocol;
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
