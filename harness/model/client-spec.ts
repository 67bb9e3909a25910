import type { ClientName, ClientSelection } from "./names.ts";
import { STARTTLS_PROTOCOLS, type StartTlsProtocol } from "./starttls.ts";

/** A client with options; a bare name is the client with its real defaults. */
export interface ClientOptions {
  name: ClientName;
  /**
   * `by-issuer-list` makes node, openssl or gnutls emulate a KB 2801679 client: the certificate
   * is withheld when its issuer is not in the list the probe saw. java, go and forge always
   * select that way; python and curl never do.
   */
  select?: ClientSelection;
  /**
   * JSSE system properties for java and bouncycastle, e.g. `{ "jdk.tls.maxHandshakeMessageSize":
   * "65536" }`; ssl client options for erlang (`{ max_handshake_size: "32768" }`).
   */
  properties?: Record<string, string>;
  /** Name in case ids, the plan, reports and compare; default: name plus options. */
  label?: string;
}

/** A scenario's client entry: a name, or a name with options. */
export type ClientEntry = ClientName | ClientOptions;

/** How each client chooses its certificate when left to its own behaviour. */
export const NATIVE_SELECTION: Record<ClientName, ClientSelection> = {
  // Java's default key manager (SunX509/PKIX) and Go's Certificates (SupportsCertificate) pick by
  // the advertised issuers; node-forge's getCertificate is given the list and rootload picks as
  // Windows XP/2003 clients did.
  java: "by-issuer-list",
  go: "by-issuer-list",
  forge: "by-issuer-list",
  // These send the configured certificate whatever the list says.
  node: "always",
  openssl: "always",
  gnutls: "always",
  python: "always",
  curl: "always",
  // mbed TLS 2.28 has one client certificate and skips the CertificateRequest's names (measured:
  // the server logs the certificate when its issuer is cut from the list).
  mbedtls: "always",
  // wolfSSL sends the certificate loaded into its context whatever the list says (measured).
  wolfssl: "always",
  // rustls's with_single_cert (AlwaysResolvesClientCert) ignores the names (measured).
  rustls: "always",
  // OTP 25's ssl with certfile/keyfile sends its certificate whatever the list says (measured: issuer
  // left out of the list, certificate sent on TLS 1.2 and 1.3, test/integration/clients/erlang-client.test.ts).
  erlang: "always",
  // BCJSSE's default key manager (ProvX509KeyManagerSimple) filters aliases by the issuers offered.
  bouncycastle: "by-issuer-list",
};

/** Clients that can be told to emulate the KB 2801679 rule from the probe's list. */
export const EMULATES_SELECTION: readonly ClientName[] = ["node", "openssl", "gnutls"];

/**
 * The STARTTLS preludes each client can run before its handshake (a driver's `starttls`). node and
 * forge run the probe's own dialogues on their socket; openssl its `-starttls` (mysql included);
 * gnutls its `--starttls-proto` (GnuTLS 3.7.9 has no mysql); curl its own SMTP and IMAP (`--ssl-reqd`; its LDAP has no
 * StartTLS, and it has no PostgreSQL); python the standard library's smtplib and imaplib; java
 * and go connect straight to TLS.
 */
export const SPEAKS_STARTTLS: Record<ClientName, readonly StartTlsProtocol[]> = {
  node: STARTTLS_PROTOCOLS,
  forge: STARTTLS_PROTOCOLS,
  openssl: STARTTLS_PROTOCOLS,
  gnutls: ["postgres", "smtp", "imap", "ldap"],
  java: [],
  go: [],
  python: ["smtp", "imap"],
  curl: ["smtp", "imap"],
  mbedtls: [],
  wolfssl: [],
  rustls: [],
  erlang: [],
  bouncycastle: [],
};

/** Clients that take properties: JSSE-style system properties (java, bouncycastle), ssl options (erlang). */
export const TAKES_PROPERTIES: readonly ClientName[] = ["java", "bouncycastle", "erlang"];

/** The property names a client takes, when it takes only some (erlang: its ssl options rootload passes). */
export const KNOWN_PROPERTIES: Partial<Record<ClientName, readonly string[]>> = {
  erlang: ["max_handshake_size"],
};

/** One client of a run, normalised: name, label, how it selects, its options. */
export interface ClientSpec {
  name: ClientName;
  label: string;
  selection: ClientSelection;
  properties: Record<string, string>;
}

/** `jdk.tls.maxHandshakeMessageSize` → `maxHandshakeMessageSize`: the label stays readable. */
function shortKey(key: string): string {
  return key.split(".").at(-1) || key;
}

/** The default label of an entry: the name, then each option (`java+maxHandshakeMessageSize=65536`). */
export function clientLabel(entry: ClientEntry): string {
  if (typeof entry === "string") return entry;
  if (entry.label) return entry.label;
  const parts: string[] = [entry.name];
  if (entry.select && entry.select !== NATIVE_SELECTION[entry.name]) parts.push(entry.select);
  for (const [k, v] of Object.entries(entry.properties ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    parts.push(`${shortKey(k)}=${v}`);
  return parts.join("+");
}

/** Normalise a scenario's client entry (validated before: options fit the client). */
export function clientSpec(entry: ClientEntry): ClientSpec {
  const name = typeof entry === "string" ? entry : entry.name;
  const select = typeof entry === "string" ? undefined : entry.select;
  return {
    name,
    label: clientLabel(entry),
    selection: select ?? NATIVE_SELECTION[name],
    properties: typeof entry === "string" ? {} : { ...(entry.properties ?? {}) },
  };
}
