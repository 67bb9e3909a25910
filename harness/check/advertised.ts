import { intendedAdvertised } from "../roots/intended.ts";
import { caListBytes, type RootEntry, RootStore, uniqueNames } from "../roots/root-store.ts";
import type { CaSetup } from "./ca-setup.ts";
import type { ServerProfile } from "./limits.ts";
import { opensslSortedOrder } from "./openssl-name-order.ts";

/** The list one server builds from a setup, before any size limit applies. */
export interface AdvertisedList {
  /** In the order the server puts them on the wire. */
  entries: readonly RootEntry[];
  /** certificate_authorities length: sum of (2 + DER subject), bytes. */
  bytes: number;
  /** Sum of the DER subjects alone (what JSSE checks on TLS 1.3), bytes. */
  rawBytes: number;
}

/**
 * Apply a server's own rules to what it was given: OpenSSL drops repeated names, Apache, HAProxy
 * and stunnel sort (OpenSSL's X509_NAME_cmp, see openssl-name-order.ts), and nothing is sent when
 * CA names are turned off (or the server never sends any: MariaDB).
 */
export function advertisedBy(profile: ServerProfile, setup: CaSetup): AdvertisedList {
  if (setup.caNames !== "sent" || profile.advertises === "never")
    return { entries: [], bytes: 0, rawBytes: 0 };
  let entries: readonly RootEntry[] = profile.dedupesNames ? uniqueNames(setup.advertise) : setup.advertise;
  if (profile.sortsNames) entries = opensslSortedOrder(entries);
  const bytes = caListBytes(entries);
  return { entries, bytes, rawBytes: bytes - 2 * entries.length };
}

/** What a Schannel-style server sends: the longest prefix that fits `limit` bytes (the harness's own truncate policy). */
export function fittingPrefix(list: AdvertisedList, limit: number): AdvertisedList {
  const kept = intendedAdvertised(new RootStore("check", "mixed", list.entries), {
    kind: "truncate-bytes",
    bytes: limit,
  });
  const bytes = caListBytes(kept);
  return { entries: kept, bytes, rawBytes: bytes - 2 * kept.length };
}
