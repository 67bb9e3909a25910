import { formatInt } from "../format-int.ts";
import { CA_LIST_LIMIT_BYTES } from "../model/limits.ts";
import type { TlsVersion } from "../model/tls.ts";
import { maxListBytes13, OPENSSL_REQUEST } from "../probe/certificate-request-size.ts";
import type { ServerConfig } from "./server-config.ts";

/** OpenSSL protocol names (as in MinProtocol / ssl_protocols). */
export const OPENSSL_NAME: Record<TlsVersion | "1.0" | "1.1", string> = {
  "1.0": "TLSv1",
  "1.1": "TLSv1.1",
  "1.2": "TLSv1.2",
  "1.3": "TLSv1.3",
};

/**
 * The versions a server should enable. legacyCompat adds TLS 1.0 and 1.1 (node-forge speaks
 * nothing newer).
 */
export function enabledVersions(config: ServerConfig): (TlsVersion | "1.0" | "1.1")[] {
  const order = ["1.0", "1.1", "1.2", "1.3"] as const;
  const want = new Set<string>(config.tls);
  if (config.legacyCompat) {
    want.add("1.0");
    want.add("1.1");
  }
  return order.filter((v) => want.has(v));
}

/** Lowest and highest enabled version, OpenSSL names. */
export function protocolRange(config: ServerConfig): { min: string; max: string } {
  const v = enabledVersions(config);
  return { min: OPENSSL_NAME[v[0]!], max: OPENSSL_NAME[v[v.length - 1]!] };
}

/**
 * Cipher string for OpenSSL 3 servers. legacyCompat: security level 0 (SHA-1 signatures,
 * TLS 1.0) and RSA key exchange (forge's TLS_RSA_WITH_AES_*_CBC_SHA).
 */
export function opensslCiphers(config: ServerConfig): string | undefined {
  return config.legacyCompat ? "DEFAULT:AES128-SHA:AES256-SHA:@SECLEVEL=0" : undefined;
}

/** "all names up to N bytes; from N+1: what happens", from the limit's own arithmetic. */
export function limitText(maxListBytes: number, past: string): string {
  return `all names up to ${formatInt(maxListBytes)} bytes; from ${formatInt(maxListBytes + 1)}${past}`;
}

/**
 * What every OpenSSL 3.0-based server does as its CA list grows (measured; docs/domain.md): the list's
 * 16-bit length on TLS 1.2, the extensions block it shares with signature_algorithms on TLS 1.3.
 */
export const OPENSSL_LIMITS = {
  "1.2": limitText(CA_LIST_LIMIT_BYTES, ": internal_error"),
  "1.3": limitText(maxListBytes13(OPENSSL_REQUEST["1.3"]), ": internal_error"),
} as const;

/** How OpenSSL-based servers let the legacy (node-forge, TLS 1.0 RSA) client in. */
export const OPENSSL_LEGACY = {
  supported: true,
  how: "(MinProtocol TLSv1, DEFAULT:AES128-SHA:AES256-SHA:@SECLEVEL=0)",
};
