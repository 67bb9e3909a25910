import type { TlsVersion } from "../model/tls.ts";
import type { RootEntry } from "../roots/root-store.ts";
import type { ServerStack } from "./limits.ts";

/**
 * Whether the server sends CA names at all: `sent`; turned off with OpenSSL's `-CANames`
 * (nginx, stunnel, Apache option A), which still sends an empty TLS 1.3 extension; or turned off so
 * the extension is left out (HAProxy `no-ca-names`, `ca-verify-file` alone, Apache without
 * SSLCACertificate*).
 */
export type CaNames = "sent" | "off-empty-extension" | "off-omitted";

/** What a server is set up to advertise, read from a CA source or from a server's configuration. */
export interface CaSetup {
  /** The input as given (a bundle, a CTL, a config file). */
  source: string;
  /** Certificates whose subjects the server advertises, in the order it loads them. */
  advertise: readonly RootEntry[];
  /** Certificates it trusts without advertising them (ssl_trusted_certificate, ca-verify-file…). */
  verifyOnly: readonly RootEntry[];
  caNames: CaNames;
  /** The server named by the configuration it came from. */
  server?: ServerStack;
  /** TLS versions the configuration enables, when it says. */
  tls?: readonly TlsVersion[];
  /** Which block of the configuration (server_name, VirtualHost, bind line, section). */
  endpoint?: string;
  /** Where each list came from: `file:line directive value`. */
  from: readonly string[];
  /** Facts found on the way that the reader wants shown (other endpoints, ignored directives). */
  notes: readonly string[];
}
