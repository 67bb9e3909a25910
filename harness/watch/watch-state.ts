import type { TlsVersion } from "../model/tls.ts";
import { type ListChange, listChange } from "./list-change.ts";
import type { WatchPlan } from "./load-targets.ts";
import type { Observation, SeenList } from "./observe.ts";

/** One target on one TLS version over time: what survives from probe to probe (and a SIGHUP). */
export interface Series {
  target: string;
  tls: TlsVersion;
  last: Observation;
  /** The last list read (a failed probe keeps it: a change is judged against the list seen before). */
  list?: SeenList;
  /** The last observation that read a list: issuers and clients are compared with its judgment. */
  judged?: Observation;
  probes: number;
  changes: number;
  /** Time of the last list change (ms since the epoch). */
  lastChangeAt?: number;
  lastChange?: ListChange;
}

/** What one probe changed, for the log line; empty when nothing did. */
export interface Changes {
  target: string;
  tls: TlsVersion;
  list?: ListChange;
  /** "ok → timeout", per thing that changed besides the list. */
  outcome?: string;
  success?: string;
  issuers: { subject: string; was: string; now: string }[];
  clients: { client: string; was: string; now: string }[];
}

const key = (target: string, tls: string) => `${target}\u0000${tls}`;

const issuerText = (i: { advertised: boolean; position: number | null }) =>
  i.advertised ? `advertised at #${i.position}` : "not advertised";
const clientText = (c: { verdict: string; marginBytes: number | null }) =>
  c.marginBytes === null ? c.verdict : `${c.verdict} (margin ${c.marginBytes} B)`;

/** The watcher's memory: one Series per target and TLS version, fed observations in any order. */
export class WatchState {
  readonly #series = new Map<string, Series>();
  readonly startedAt = Date.now();

  /** Take one observation; what changed since the previous one of the same series. */
  record(o: Observation): Changes {
    const k = key(o.target, o.tls);
    const prev = this.#series.get(k);
    const changes: Changes = { target: o.target, tls: o.tls, issuers: [], clients: [] };
    const s: Series = prev ?? { target: o.target, tls: o.tls, last: o, probes: 0, changes: 0 };
    s.probes++;
    if (prev) {
      const was = prev.last;
      if (was.outcome.class !== o.outcome.class)
        changes.outcome = `${was.outcome.class} → ${o.outcome.class}`;
      if (was.success !== o.success)
        changes.success = `${was.success ? "up" : "down"} → ${o.success ? "up" : "down"}`;
      // Issuers and clients are judged only on a list that was read: compare with the last such judgment.
      const judged = prev.judged;
      if (o.list && judged) {
        for (const i of o.issuers) {
          const before = judged.issuers.find((x) => x.subject === i.subject);
          if (before && issuerText(before) !== issuerText(i))
            changes.issuers.push({ subject: i.subject, was: issuerText(before), now: issuerText(i) });
        }
        for (const c of o.clients) {
          const before = judged.clients.find((x) => x.client === c.client);
          if (before && before.verdict !== c.verdict)
            changes.clients.push({ client: c.client, was: clientText(before), now: clientText(c) });
        }
      }
    }
    if (o.list) {
      const change = s.list ? listChange(s.list, o.list) : undefined;
      if (change) {
        s.changes++;
        s.lastChangeAt = o.at;
        s.lastChange = change;
        changes.list = change;
      }
      s.list = o.list;
      s.judged = o;
    }
    s.last = o;
    this.#series.set(k, s);
    return changes;
  }

  /** Keep the series of targets and versions still in `plan` (after a SIGHUP); counters stay. */
  retain(plan: WatchPlan): void {
    const keep = new Set(plan.targets.flatMap((t) => t.tls.map((v) => key(t.name, v))));
    for (const k of this.#series.keys()) if (!keep.has(k)) this.#series.delete(k);
  }

  /** Every series, in the order first seen. */
  series(): Series[] {
    return [...this.#series.values()];
  }
}

/** True when `c` names anything that changed. */
export function anyChange(c: Changes): boolean {
  return Boolean(c.list || c.outcome || c.success || c.issuers.length || c.clients.length);
}

/** A short text for a log line: "+3 −1 names, reordered; 120 → 122 names, 14,840 → 15,000 B". */
export function describeChanges(c: Changes): string {
  const parts: string[] = [];
  if (c.list) {
    const l = c.list;
    parts.push(
      `list +${l.added.length} −${l.removed.length}${l.reordered ? " reordered" : ""}: ${l.before.names} → ${l.after.names} names, ${l.before.bytes} → ${l.after.bytes} B`,
    );
  }
  if (c.outcome) parts.push(`outcome ${c.outcome}`);
  if (c.success) parts.push(c.success);
  for (const i of c.issuers) parts.push(`issuer ${i.subject} ${i.was} → ${i.now}`);
  for (const x of c.clients) parts.push(`${x.client} ${x.was} → ${x.now}`);
  return parts.join("; ");
}
