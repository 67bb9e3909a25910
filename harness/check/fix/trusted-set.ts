import type { RootEntry } from "../../roots/root-store.ts";
import type { CaSetup } from "../ca-setup.ts";

/**
 * Whether the advertised list is also trusted: it is for nginx's ssl_client_certificate, HAProxy's
 * ca-file, stunnel's CAfile; Apache's SSLCADNRequestFile/Path and lighttpd's ssl.ca-dn-file only
 * name CAs, they do not make the server trust them.
 */
export function advertiseIsTrusted(setup: CaSetup): boolean {
  return !setup.from.some((f) => /\s(SSLCADNRequest(File|Path)|ssl\.ca-dn-file)\b/i.test(f));
}

/** Every CA the setup verifies client certificates against, each once (by certificate), in load order. */
export function trustedSet(setup: CaSetup): RootEntry[] {
  const all = advertiseIsTrusted(setup) ? [...setup.advertise, ...setup.verifyOnly] : [...setup.verifyOnly];
  const seen = new Set<string>();
  return all.filter((e) => !seen.has(e.sha256) && seen.add(e.sha256) !== undefined);
}

/** Certificates of `wanted` missing from `have` (by certificate fingerprint). */
export function missingFrom(have: readonly RootEntry[], wanted: readonly RootEntry[]): RootEntry[] {
  const set = new Set(have.map((e) => e.sha256));
  return wanted.filter((e) => !set.has(e.sha256));
}
