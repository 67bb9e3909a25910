import type { IssuerPolicy } from "../model/policy.ts";
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
