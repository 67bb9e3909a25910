import { createHash } from "node:crypto";
import type { CaseResult } from "../model/case-result.ts";
import { nameKey, type RootEntry, type RootStore } from "../roots/root-store.ts";

/** SHA-256 hex of DER names as a TLS list: each with its u16 length, in order. */
export function namesFingerprint(wire: readonly Uint8Array[]): string {
  const h = createHash("sha256");
  for (const der of wire) {
    h.update(Uint8Array.of(der.length >> 8, der.length & 0xff));
    h.update(der);
  }
  return h.digest("hex");
}

/** What `compareAdvertised` compares: the case's lists on one side, the probe's reading on the other. */
export interface AdvertisedComparison {
  /** Undefined for an endpoint: its store is unknown, so no name counts as extra. */
  store?: RootStore;
  /**
   * Undefined for a server tested as configured: missing names are then those of the store (what
   * a server advertising its whole store sends), or none for an endpoint.
   */
  intended?: readonly RootEntry[];
  /** The names (DER) on the wire in wire order; undefined when no CertificateRequest was read. */
  wire?: readonly Uint8Array[];
  /** The CA list's size on the wire, bytes. */
  wireListBytes: number;
  /** The CertificateRequest's size, bytes. */
  messageBytes: number;
  clientIssuerSubject: Uint8Array;
  /** RFC 4514 text of the wire names, kept in the result (servers tested as configured). */
  names?: readonly string[];
}

/**
 * Compare what the policy meant to advertise with what was on the wire, name by name (DER),
 * and where the client's issuer stands. `names` is kept in the result when given: servers tested
 * as configured have no intended list to compare with, so a later `compare` needs the names
 * themselves to say what changed.
 */
export function compareAdvertised({
  store,
  intended,
  wire,
  wireListBytes,
  messageBytes,
  clientIssuerSubject,
  names,
}: AdvertisedComparison): Pick<CaseResult, "advertised" | "clientIssuerAdvertised"> {
  if (!wire) return { advertised: null, clientIssuerAdvertised: null };
  const configured = new Set(store ? store.entries.map((e) => nameKey(e.subjectDer)) : wire.map(nameKey));
  const wanted = intended
    ? intended.map((e) => nameKey(e.subjectDer))
    : store
      ? store.entries.map((e) => nameKey(e.subjectDer))
      : wire.map(nameKey);
  const seen = new Map<string, number>();
  for (const der of wire) {
    const k = nameKey(der);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  let missing = 0;
  for (const k of new Set(wanted)) if (!seen.has(k)) missing++;
  let extra = 0;
  let duplicates = 0;
  for (const [k, n] of seen) {
    if (!configured.has(k)) extra += n;
    duplicates += n - 1;
  }
  const wireKeys = wire.map(nameKey);
  const inOrder = wireKeys.length === wanted.length && wireKeys.every((k, i) => k === wanted[i]);
  return {
    advertised: {
      count: wire.length,
      bytes: wireListBytes,
      missing,
      extra,
      duplicates,
      inOrder,
      messageBytes,
      fingerprint: namesFingerprint(wire),
      ...(names ? { names: [...names] } : {}),
    },
    clientIssuerAdvertised: seen.has(nameKey(clientIssuerSubject)),
  };
}
