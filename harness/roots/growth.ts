import { InputError } from "../errors.ts";
import { shuffled } from "./prng.ts";
import { nameKey, type RootEntry, RootStore, uniqueNames } from "./root-store.ts";
import { minSubjectBytes, syntheticRoots } from "./synthetic.ts";

/**
 * Growth series: the sequence of root stores a sweep loads into a server, one per step, so the
 * CA-name list grows past the limits in docs/domain.md (16 KB Schannel, 65,535 B OpenSSL...).
 */

/** Prefix order: store order (`ctl`, alias `store`), DER subject bytes, or a seeded shuffle. */
export type GrowthOrder = "ctl" | "store" | "subject" | `shuffle:${number}`;

/** Where the client issuer goes: index 0, the end, or an index (clamped to the end of the step). */
export type IssuerPosition = "first" | "last" | number;

/** Options common to every growth mode. */
export interface GrowthOptions {
  /** Default "ctl" (store order). */
  order?: GrowthOrder;
  /** A CA that must be in every step (e.g. `pki.clientIssuerEntry`); it counts towards the size. */
  clientIssuer?: RootEntry;
  /** Default "last". */
  clientIssuerPosition?: IssuerPosition;
  /** Allow synthetic roots past the real store (default false). */
  topUp?: boolean;
  /** Seed for synthetic roots (default 1). */
  seed?: number;
  /** Largest CA-list entry (2 + DER subject) used to pad byte targets (default 128, docs/domain.md's 126-byte DNs). */
  paddingEntryBytes?: number;
  /**
   * The names the caller's user knows these options by, for error messages (a scenario says
   * `roots.bytes` and `roots.topUpSynthetic`). Default: `growth.counts`, `growth.targets`,
   * `growth.order`, `growth.clientIssuerPosition`, `topUp`.
   */
  fieldNames?: Partial<Record<"counts" | "targets" | "order" | "clientIssuerPosition" | "topUp", string>>;
}

function fieldNamer(names: GrowthOptions["fieldNames"] = {}) {
  return {
    counts: names.counts ?? "growth.counts",
    targets: names.targets ?? "growth.targets",
    order: names.order ?? "growth.order",
    clientIssuerPosition: names.clientIssuerPosition ?? "growth.clientIssuerPosition",
    topUp: names.topUp ?? "topUp",
  };
}

/**
 * Growth by count (total entries per step, client issuer included), by exact CA-list bytes as
 * configured, or by exact bytes on the wire: the list as an OpenSSL-based server sends it, where a
 * subject name shared by several roots (re-keyed roots) goes out once.
 */
export type GrowthParams = GrowthOptions &
  ({ by: "count"; counts: number[] } | { by: "bytes" | "wire"; targets: number[] });

/** One step of a series. */
export interface GrowthStep {
  index: number;
  /** Snapshot date, `n=500` or `65536 B`. */
  label: string;
  store: RootStore;
  /** Index of the client issuer in `store.entries`, or null when there is none. */
  clientIssuerPosition: number | null;
  /** Entries taken from the base store(s) / generated. */
  realCount: number;
  syntheticCount: number;
  /** Byte-target steps: the target, and whether the list (configured, or on the wire for `wire`) equals it. */
  targetBytes?: number;
  exact?: boolean;
  /** `wire` steps: the list as an OpenSSL-based server sends it, each distinct name once (bytes). */
  wireBytes?: number;
}

/** The base entries in the chosen order. */
export function orderEntries(
  entries: readonly RootEntry[],
  order: GrowthOrder = "ctl",
  field = "growth.order",
): RootEntry[] {
  if (order === "ctl" || order === "store") return entries.slice();
  if (order === "subject") return entries.slice().sort((a, b) => Buffer.compare(a.subjectDer, b.subjectDer));
  const m = /^shuffle:(\d+)$/.exec(order);
  if (m) return shuffled(entries, Number(m[1]));
  throw new InputError(field, `"${order}" is not one of ctl, store, subject, shuffle:SEED`);
}

function place(
  entries: RootEntry[],
  issuer: RootEntry | undefined,
  pos: IssuerPosition = "last",
  field = "growth.clientIssuerPosition",
) {
  if (!issuer) return { entries, position: null };
  let at: number;
  if (pos === "first") at = 0;
  else if (pos === "last") at = entries.length;
  else if (Number.isInteger(pos) && pos >= 0) at = Math.min(pos, entries.length);
  else throw new InputError(field, `${pos} is not first, last or an index ≥ 0`);
  const out = entries.slice();
  out.splice(at, 0, issuer);
  return { entries: out, position: at };
}

function stepStore(base: RootStore, entries: RootEntry[], synthetic: number, label: string): RootStore {
  return new RootStore(base.source, synthetic > 0 ? "mixed" : base.kind, entries, {
    ...base.meta,
    growthStep: label,
  });
}

/**
 * Grow a store by count or by bytes, as prefixes of `order`.
 *
 * Byte targets: the longest prefix that fits is taken, then (with `topUp`) the rest is padded
 * with exact-size synthetic roots so that `caListBytes === target`. If the gap left is smaller
 * than the smallest synthetic entry (≈ 35 B), real entries are dropped from the end until it is
 * not. Exactness is impossible only when `topUp` is false (the step is the longest prefix below
 * the target, `exact: false`) or when the target minus the client issuer is 1..34 B with nothing
 * real to drop (same fallback).
 * @throws InputError when a count or target exceeds the base without `topUp`, or is below the client issuer
 */
export function growthSeries(base: RootStore, params: GrowthParams): GrowthStep[] {
  const field = fieldNamer(params.fieldNames);
  const ordered = orderEntries(base.entries, params.order, field.order);
  const issuer = params.clientIssuer;
  const reserve = issuer ? 1 : 0;
  const seed = params.seed ?? 1;
  if (params.by === "count") {
    const counts = params.counts;
    for (const n of counts)
      if (!Number.isInteger(n) || n < reserve)
        throw new InputError(field.counts, `${n} is not an integer ≥ ${reserve}`);
    const maxShort = Math.max(0, ...counts.map((n) => n - reserve - ordered.length));
    if (maxShort > 0 && !params.topUp)
      throw new InputError(
        field.counts,
        `${Math.max(...counts)} exceeds the ${ordered.length} roots of ${base.source} (set ${field.topUp} to add synthetic roots)`,
      );
    // One pool for all steps, so step k+1 extends step k with the same synthetic roots.
    const pool = maxShort > 0 ? syntheticRoots({ count: maxShort, seed, sample: base, tag: `g${seed}` }) : [];
    return counts.map((n, index) => {
      const real = Math.min(n - reserve, ordered.length);
      const syn = n - reserve - real;
      const label = `n=${n}`;
      const placed = place(
        [...ordered.slice(0, real), ...pool.slice(0, syn)],
        issuer,
        params.clientIssuerPosition,
        field.clientIssuerPosition,
      );
      return {
        index,
        label,
        store: stepStore(base, placed.entries, syn, label),
        clientIssuerPosition: placed.position,
        realCount: real,
        syntheticCount: syn,
      };
    });
  }
  const maxPad = params.paddingEntryBytes ?? 128;
  const wire = params.by === "wire";
  return params.targets.map((target, index) => {
    const label = wire ? `${target} B wire` : `${target} B`;
    if (!Number.isInteger(target) || target < 0)
      throw new InputError(field.targets, `${target} is not a byte count`);
    const budget = target - (issuer?.caNameBytes ?? 0);
    if (budget < 0)
      throw new InputError(
        field.targets,
        `${target} B is smaller than the client issuer (${issuer!.caNameBytes} B)`,
      );
    // On the wire a name already in the list (the issuer's, or an earlier root's) costs nothing.
    const seen = new Set<string>(wire && issuer ? [nameKey(issuer.subjectDer)] : []);
    const costs: number[] = [];
    const cost = (e: RootEntry) => {
      if (!wire) return e.caNameBytes;
      const k = nameKey(e.subjectDer);
      if (seen.has(k)) return 0;
      seen.add(k);
      return e.caNameBytes;
    };
    const available = wire ? caBytes(uniqueNames(ordered)) : caBytes(ordered);
    if (!params.topUp && budget > available)
      throw new InputError(
        field.targets,
        `${target} B exceeds ${base.source} (${wire ? `${available} B on the wire` : `${base.caListBytes} B`}) (set ${field.topUp} to add synthetic roots)`,
      );
    let real = 0;
    let used = 0;
    while (real < ordered.length) {
      const e = ordered[real]!;
      // A repeated name (cost 0 on the wire) is peeked at without marking it seen.
      const c = wire && seen.has(nameKey(e.subjectDer)) ? 0 : e.caNameBytes;
      if (used + c > budget) break;
      costs.push(cost(e));
      used += c;
      real++;
    }
    /** Drop the last real entry of the prefix (its name leaves the wire when it was its first). */
    const dropLast = () => {
      const c = costs.pop()!;
      const e = ordered[--real]!;
      if (wire && c > 0) seen.delete(nameKey(e.subjectDer));
      used -= c;
    };
    let padding: RootEntry[] = [];
    if (params.topUp && used < budget) {
      const tag = `g${seed}t${index}`;
      // Padding labels are `rootload <tag>-<i> #0`; size for the longest i we could need.
      const minEntry = 2 + minSubjectBytes(`rootload ${tag}-99999 #0`.length);
      while (budget - used < minEntry && real > 0) dropLast();
      if (budget - used >= minEntry) padding = pad(budget - used, Math.max(maxPad, 2 * minEntry), seed, tag);
    }
    const placed = place(
      [...ordered.slice(0, real), ...padding],
      issuer,
      params.clientIssuerPosition,
      field.clientIssuerPosition,
    );
    const store = stepStore(base, placed.entries, padding.length, label);
    const onWire = caBytes(uniqueNames(store.entries));
    return {
      index,
      label,
      store,
      clientIssuerPosition: placed.position,
      realCount: real,
      syntheticCount: padding.length,
      targetBytes: target,
      exact: (wire ? onWire : store.caListBytes) === target,
      ...(wire ? { wireBytes: onWire } : {}),
    };
  });
}

function caBytes(entries: readonly RootEntry[]): number {
  let n = 0;
  for (const e of entries) n += e.caNameBytes;
  return n;
}

/** Entry sizes no DER Name can have (2 + 130, 2 + 259): see exactSubjectName. */
const IMPOSSIBLE = new Set([132, 261]);

/**
 * Synthetic roots whose CA-list entries sum to exactly `bytes`, each at most `maxEntry`; the
 * caller guarantees bytes ≥ the minimum entry and maxEntry ≥ twice it, so every part fits.
 */
function pad(bytes: number, maxEntry: number, seed: number, tag: string): RootEntry[] {
  const k = Math.ceil(bytes / maxEntry);
  const sizes = Array.from({ length: k }, (_, i) => Math.floor(bytes / k) + (i < bytes % k ? 1 : 0));
  if (k === 1 && IMPOSSIBLE.has(sizes[0]!))
    sizes.splice(0, 1, Math.floor(bytes / 2), bytes - Math.floor(bytes / 2));
  for (let i = 0; i < sizes.length; i++) {
    if (!IMPOSSIBLE.has(sizes[i]!)) continue;
    const j = (i + 1) % sizes.length;
    sizes[i]! -= 1;
    sizes[j]! += 1;
    if (IMPOSSIBLE.has(sizes[j]!)) {
      sizes[j]! -= 2;
      sizes[i]! += 2;
    }
  }
  return sizes.flatMap((s, i) => syntheticRoots({ count: 1, subjectBytes: s - 2, seed, tag: `${tag}-${i}` }));
}

/**
 * One step per loaded store (e.g. the 13 Microsoft CTLs), sorted by `meta.thisUpdate` (stores
 * without it keep their given order, after dated ones), labelled with the snapshot date.
 */
export function snapshotSeries(
  stores: readonly RootStore[],
  opts: Pick<GrowthOptions, "clientIssuer" | "clientIssuerPosition" | "order"> & {
    /** Label for a store (default: its thisUpdate date, else its source). */
    labelOf?: (store: RootStore) => string;
  } = {},
): GrowthStep[] {
  const dated = stores
    .map((s, i) => ({
      s,
      i,
      t: typeof s.meta.thisUpdate === "string" ? Date.parse(s.meta.thisUpdate) : Number.NaN,
    }))
    .sort((a, b) => (Number.isNaN(a.t) ? 1 : 0) - (Number.isNaN(b.t) ? 1 : 0) || a.t - b.t || a.i - b.i);
  return dated.map(({ s }, index) => {
    const label =
      opts.labelOf?.(s) ??
      (typeof s.meta.thisUpdate === "string" ? s.meta.thisUpdate.slice(0, 10) : s.source);
    const placed = place(orderEntries(s.entries, opts.order), opts.clientIssuer, opts.clientIssuerPosition);
    return {
      index,
      label,
      store: stepStore(s, placed.entries, 0, label),
      clientIssuerPosition: placed.position,
      realCount: s.count,
      syntheticCount: 0,
    };
  });
}
