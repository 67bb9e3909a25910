import type { IssuerPolicy } from "../model/policy.ts";
import { nameKey, type RootEntry, type RootStore } from "./root-store.ts";

/**
 * The entries a correct implementation of `policy` advertises for `store`: a prefix of the store
 * for `truncate-bytes`; for `explicit`, the store's first entry of each named subject in the
 * policy's order (a name the store does not hold has no certificate to load, so it is left out).
 */
export function intendedAdvertised(store: RootStore, policy: IssuerPolicy): readonly RootEntry[] {
  switch (policy.kind) {
    case "all":
      return store.entries;
    case "none":
      return [];
    case "explicit": {
      const bySubject = new Map<string, RootEntry>();
      for (const e of store.entries) {
        const k = nameKey(e.subjectDer);
        if (!bySubject.has(k)) bySubject.set(k, e);
      }
      return policy.subjects.flatMap((s) => bySubject.get(nameKey(s)) ?? []);
    }
    case "truncate-bytes": {
      let used = 0;
      const out: RootEntry[] = [];
      for (const e of store.entries) {
        if (used + e.caNameBytes > policy.bytes) break;
        used += e.caNameBytes;
        out.push(e);
      }
      return out;
    }
  }
}
