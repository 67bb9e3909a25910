import type { ClientName } from "../model/names.ts";
import type { Outcome } from "../model/outcome.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { TestPki } from "../pki/test-pki.ts";

/** One handshake to run. */
export interface HandshakeOptions {
  host: string;
  port: number;
  tls: TlsVersion;
  pki: TestPki;
  /** Which certificate the client holds. Default "client" (issued by pki.clientIssuer). */
  identity?: "client" | "stranger" | "none";
  /**
   * DER names the probe saw in the CertificateRequest. When given, the client selects its
   * certificate the way Windows clients do (KB 2801679): only if its issuer is in the list; an
   * empty list means "any certificate".
   */
  advertised?: readonly Uint8Array[];
  /** Bound on the whole handshake (ms). Default 10,000. */
  timeoutMs?: number;
  /** Also offer TLS 1.0/1.1 and legacy ciphers (@SECLEVEL=0), for servers set up for the forge model. */
  legacy?: boolean;
  /** Plaintext prelude before TLS (the server driver's `starttls`). */
  starttls?: StartTlsProtocol;
}

/** A handshake's outcome and latency. Failed handshakes are results, not exceptions. */
export interface HandshakeResult {
  outcome: Outcome;
  /** Connect to handshake done (or to failure), ms. */
  ms: number;
  /** The CA names the client itself saw, when it exposes them (forge, openssl, gnutls). */
  advertisedDer?: Uint8Array[];
}

/** A TLS client the runner can drive. */
export interface TlsClient {
  readonly name: ClientName;
  /** True when the client can run here (binary installed, library loadable). */
  available(): Promise<boolean>;
  handshake(o: HandshakeOptions): Promise<HandshakeResult>;
}
