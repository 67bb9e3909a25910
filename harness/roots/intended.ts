import type { IssuerPlacement, IssuerPolicy } from "../model/policy.ts";
import { nameKey, type RootEntry, type RootStore } from "./root-store.ts";

/** The origin tag the client certificate's issuer carries in a step's store (pki, user identities). */
export const CLIENT_ISSUER_ORIGIN = "client-issuer";

/**
 * The entries a policy is applied to: the store with its client issuer moved to `placement` (or
 * left out). A store without a client issuer is returned as it is.
 */
export function placeIssuer(entries: readonly RootEntry[], placement: IssuerPlacement): readonly RootEntry[] {
  const isIssuer = (e: RootEntry) => e.info.origin === CLIENT_ISSUER_ORIGIN;
  const issuer = entries.filter(isIssuer);
  if (issuer.length === 0) return entries;
  const others = entries.filter((e) => !isIssuer(e));
  if (placement === "omitted") return others;
  if (placement === "first") return [...issuer, ...others];
  if (placement === "last") return [...others, ...issuer];
  const at = Math.min(placement - 1, others.length);
  return [...others.slice(0, at), ...issuer, ...others.slice(at)];
}

/**
 * The entries a correct implementation of `policy` advertises for `store`: a prefix of the store
 * for `truncate-bytes`; for `explicit`, the store's first entry of each named subject in the
 * policy's order (a name the store does not hold has no certificate to load, so it is left out).
 */
export function intendedAdvertised(store: RootStore, policy: IssuerPolicy): readonly RootEntry[] {
  const entries = policy.issuer === undefined ? store.entries : placeIssuer(store.entries, policy.issuer);
  switch (policy.kind) {
    case "all":
      return entries;
    case "none":
      return [];
    case "explicit": {
      const bySubject = new Map<string, RootEntry>();
      for (const e of entries) {
        const k = nameKey(e.subjectDer);
        if (!bySubject.has(k)) bySubject.set(k, e);
      }
      return policy.subjects.flatMap((s) => bySubject.get(nameKey(s)) ?? []);
    }
    case "truncate-bytes": {
      let used = 0;
      const out: RootEntry[] = [];
      for (const e of entries) {
        if (used + e.caNameBytes > policy.bytes) break;
        used += e.caNameBytes;
        out.push(e);
      }
      return out;
    }
  }
}
