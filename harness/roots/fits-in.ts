import { orderEntries } from "./growth.ts";
import type { RootStore } from "./root-store.ts";

/**
 * How many entries fit in `limit` bytes of CA-name list, taken in store order (what s_server,
 * nginx send) or sorted by subject DER (Apache, HAProxy; the order behind docs/domain.md's 219/172).
 */
export function fitsIn(store: RootStore, limit: number, order: "store" | "subject" = "store"): number {
  let used = 0;
  let n = 0;
  for (const e of order === "store" ? store.entries : orderEntries(store.entries, "subject")) {
    if (used + e.caNameBytes > limit) break;
    used += e.caNameBytes;
    n++;
  }
  return n;
}
