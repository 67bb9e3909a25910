import type { ApplicationProtocol } from "../model/application.ts";
import type { ClientName, ClientSelection } from "../model/names.ts";
import type { Outcome } from "../model/outcome.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { CertAndKey, TestPki } from "../pki/test-pki.ts";
import type { Availability } from "../runtime/runtime.ts";

/** One handshake to run. */
export interface HandshakeOptions {
  host: string;
  /** Server name (SNI) to send; none by default (an endpoint's `sni`). */
  sni?: string;
  port: number;
  tls: TlsVersion;
  pki: TestPki;
  /** Which certificate the client holds. Default "client" (issued by pki.clientIssuer). */
  identity?: "client" | "stranger" | "none";
  /**
   * DER names the probe saw in the CertificateRequest. Used only by a client told to emulate
   * selection (`select: "by-issuer-list"` on node, openssl, gnutls): the certificate is withheld
   * when its issuer is not in the list, as Windows clients do (KB 2801679); an empty list means
   * "any certificate". Clients that select for real (java, go, forge) read the list themselves.
   */
  advertised?: readonly Uint8Array[];
  /** Bound on the whole handshake (ms). Default 10,000. */
  timeoutMs?: number;
  /** Also offer TLS 1.0/1.1 and legacy ciphers (@SECLEVEL=0), for servers set up for the forge model. */
  legacy?: boolean;
  /** Plaintext prelude before TLS (the server driver's `starttls`). */
  starttls?: StartTlsProtocol;
  /**
   * The server's protocol after the handshake (its driver's `application`, an endpoint's): each
   * client meets it with its own step (model/application.ts `applicationStep`). Default: the
   * STARTTLS protocol's, else http.
   */
  application?: ApplicationProtocol;
}

/** A handshake's outcome and latency. Failed handshakes are results, not exceptions. */
export interface HandshakeResult {
  outcome: Outcome;
  /** Connect to handshake done (or to failure), ms. */
  ms: number;
  /**
   * Where a command-line client's `ms` starts: `connect`, the line it prints as it connects (or
   * curl's own time_appconnect); `process-start`, the spawn, when its output could not tell (such
   * a figure is not a handshake time). Absent: an in-process clock from connect.
   */
  timedFrom?: "connect" | "process-start";
  /** The CA names the client itself saw, when it exposes them (forge, openssl, gnutls). */
  advertisedDer?: Uint8Array[];
  /**
   * What the client's own selection chose, when it reports it (java: the default key manager's
   * alias, null = none; go: GetClientCertificate running SupportsCertificate): proof of whether a
   * certificate went out, and how many CA names the client was handed (null: never asked).
   */
  certificate?: { sent: boolean; issuersSeen: number | null };
}

/** A TLS client the runner can drive: one stack with one set of options, under one label. */
export interface TlsClient {
  readonly name: ClientName;
  /** `java`, `java+maxHandshakeMessageSize=65536`: what case ids and reports call it. */
  readonly label: string;
  /** How it chooses its certificate. */
  readonly selection: ClientSelection;
  /** True when the client can run here (binary installed, library loadable). */
  available(): Promise<boolean>;
  /** Whether it can run here, and why not. */
  availability(): Promise<Availability>;
  handshake(o: HandshakeOptions): Promise<HandshakeResult>;
  /** The client's version text, when it tells (the persistent clients print it on start). */
  version?(): Promise<string | undefined>;
  /** Stop what it started (persistent client processes). */
  close(): Promise<void>;
}

/** A one-shot client stack: one handshake with the identity it is given. */
export interface ClientStack {
  available(): Promise<boolean>;
  once(o: HandshakeOptions, identity: CertAndKey | undefined): Promise<HandshakeResult>;
}
