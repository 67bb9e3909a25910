import type { ClientStack } from "../check/limits.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";

/** One endpoint `rootload watch` probes. */
export interface TargetSpec {
  /** The `target` label: unique in the file. */
  name: string;
  /** "host:port" ("[::1]:443" for IPv6). */
  address: string;
  /** TLS versions to probe, each its own series (`tls` label); default both. */
  tls?: TlsVersion[];
  /** Plaintext prelude before TLS (mail, LDAP, PostgreSQL ports). */
  starttls?: StartTlsProtocol;
  /** server_name to send. */
  sni?: string;
  /** CA certificate files (PEM or DER, one certificate each; relative to the targets file): must be advertised. */
  issuers?: string[];
  /** Clients whose verdict is predicted from what was seen (the limits table of `rootload check`). */
  clients?: ClientStack[];
  /**
   * "ok" (default): up when a CertificateRequest is read. "refused": a server that must refuse a
   * stranger — up when a handshake with no client certificate is refused.
   */
  expect?: "ok" | "refused";
  /** This target's interval ("30s", "5m", "1h"); default the file's. */
  interval?: string;
  /** Bound on one probe ("10s"); default the file's. */
  timeout?: string;
}

/** A targets file: `rootload watch targets.ts|targets.json`. */
export interface TargetsFile {
  /** How often each target is probed; default 5m (`--interval` overrides). */
  interval?: string;
  /** Bound on one probe, connection included; default 10s (never more than the interval). */
  timeout?: string;
  /** Most probes in flight at once; default 4. */
  concurrency?: number;
  targets: TargetSpec[];
}

/** Identity function that type-checks a targets file written in TypeScript. */
export function defineTargets<const T extends TargetsFile>(file: T): T {
  return file;
}
