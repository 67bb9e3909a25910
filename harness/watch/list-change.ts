import type { SeenList } from "./observe.ts";

/** How a CA list differs from the one seen before it. */
export interface ListChange {
  /** Names (RFC 4514) now advertised that were not, wire order. */
  added: string[];
  /** Names no longer advertised, in their former order. */
  removed: string[];
  /** The names both lists share are in another order. */
  reordered: boolean;
  before: { names: number; bytes: number; fingerprint: string };
  after: { names: number; bytes: number; fingerprint: string };
}

/** Each key's occurrences, so a repeated name (Node, Go and JSSE send them) counts as often as it appears. */
function counts(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** The entries of `keys` that `other` also has (as many times as both have them), in `keys`' order. */
function shared(keys: readonly string[], other: Map<string, number>): { kept: string[]; extra: number[] } {
  const left = new Map(other);
  const kept: string[] = [];
  const extra: number[] = [];
  keys.forEach((k, i) => {
    const n = left.get(k) ?? 0;
    if (n > 0) {
      left.set(k, n - 1);
      kept.push(k);
    } else extra.push(i);
  });
  return { kept, extra };
}

/** What changed from `before` to `after`; undefined when the lists are the same (same fingerprint). */
export function listChange(before: SeenList, after: SeenList): ListChange | undefined {
  if (before.fingerprint === after.fingerprint) return undefined;
  const a = shared(after.keys, counts(before.keys));
  const b = shared(before.keys, counts(after.keys));
  const reordered = a.kept.length !== b.kept.length || a.kept.some((k, i) => k !== b.kept[i]);
  return {
    added: a.extra.map((i) => after.names[i]!),
    removed: b.extra.map((i) => before.names[i]!),
    reordered,
    before: { names: before.keys.length, bytes: before.bytes, fingerprint: before.fingerprint },
    after: { names: after.keys.length, bytes: after.bytes, fingerprint: after.fingerprint },
  };
}
