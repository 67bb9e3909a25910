import { CLIENT_PROFILES, type ClientProfile, type ClientStack } from "./limits.ts";

/**
 * The TLS client stacks that request-side failures are reported against in the field (issue
 * trackers, vendor KBs), whether or not the limits table has an entry for them yet. `check` judges
 * only clients the table knows; against this list it says which common stacks it could not judge,
 * so "every client fine" never covers a stack it knows nothing about. The ids are the names a
 * limits entry takes (`CLIENT_STACKS`): when one is added there, the stack leaves "no limit for".
 */
export const COMMON_CLIENT_STACKS = [
  { id: "java", name: "Java JSSE (SunJSSE)" },
  { id: "go", name: "Go crypto/tls" },
  { id: "openssl", name: "OpenSSL (s_client, libssl programs)" },
  { id: "node", name: "Node.js tls" },
  { id: "gnutls", name: "GnuTLS" },
  { id: "curl", name: "curl" },
  { id: "python", name: "Python ssl" },
  { id: "rustls", name: "rustls" },
  { id: "forge", name: "node-forge" },
  { id: "mbedtls", name: "Mbed TLS (embedded)" },
  { id: "wolfssl", name: "wolfSSL (embedded)" },
  { id: "erlang", name: "Erlang/OTP ssl (RabbitMQ, EMQX, Elixir)" },
  { id: "bouncycastle", name: "BouncyCastle JSSE" },
  { id: "schannel", name: "Windows Schannel client (.NET, Edge/IE, PowerShell on Windows)" },
  { id: "boringssl", name: "BoringSSL (Chrome, Android, gRPC)" },
  { id: "nss", name: "NSS (Firefox)" },
  { id: "apple", name: "Apple Network.framework / Secure Transport" },
  { id: "s2n", name: "s2n-tls (AWS SDKs)" },
] as const;
export type CommonClientStack = (typeof COMMON_CLIENT_STACKS)[number]["id"];

/** How a judged client's figure stands in the table. */
export type JudgedBasis =
  /** A size cap measured on a real client. */
  | "measured"
  /** A size cap read in source or vendor documentation, not measured. */
  | "source"
  /** In the table, but with no size cap known (judged on selection and TLS 1.3 facts only). */
  | "no-size-cap";

/** Which clients a prediction covers and which it cannot speak for. */
export interface ClientCoverage {
  /** The clients judged (named with --clients, or the default set), with the basis of each. */
  judged: { client: ClientStack; basis: JudgedBasis }[];
  /** Clients the table knows that were not named (add them with --clients). */
  notNamed: ClientStack[];
  /** Common stacks the table has no entry for: nothing is predicted for them. */
  noLimitFor: { stack: string; name: string }[];
}

function basis(p: ClientProfile): JudgedBasis {
  const cap = p.maxBodyBytes?.evidence ?? p.maxRecords?.evidence;
  if (!cap) return "no-size-cap";
  return cap.how === "measured" ? "measured" : "source";
}

/** What `clients` covers against the limits table and the common stacks (a pure function of the table). */
export function clientCoverage(
  clients: readonly ClientStack[],
  profiles: Readonly<Record<string, ClientProfile>> = CLIENT_PROFILES,
): ClientCoverage {
  const known = new Set(Object.keys(profiles));
  const named = [...new Set(clients)];
  return {
    judged: named.map((client) => ({ client, basis: basis(profiles[client]!) })),
    notNamed: (Object.keys(profiles) as ClientStack[]).filter((c) => !named.includes(c)),
    noLimitFor: COMMON_CLIENT_STACKS.filter((s) => !known.has(s.id)).map((s) => ({
      stack: s.id,
      name: s.name,
    })),
  };
}
