import type { TlsVersion } from "../model/tls.ts";
import type { ServerConfig } from "./tls-server.ts";

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

/** What every OpenSSL 3.0-based server does as its CA list grows (measured; DESIGN.md). */
export const OPENSSL_LIMITS = {
  "1.2": "all names up to 65,535 bytes; from 65,536: internal_error",
  "1.3": "all names up to 65,491 bytes; from 65,492: internal_error",
} as const;

/** How OpenSSL-based servers let the legacy (node-forge, TLS 1.0 RSA) client in. */
export const OPENSSL_LEGACY = "yes (MinProtocol TLSv1, DEFAULT:AES128-SHA:AES256-SHA:@SECLEVEL=0)";
