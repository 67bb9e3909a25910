import type { BisectFacts, CaseResult } from "../model/case-result.ts";
import type { Outcome } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import { formatBytes, formatInt, outcomeText } from "./format.ts";

/**
 * Boundaries of bisected series (scenario `roots.bisect`), rebuilt from the cases alone (each
 * carries its `bisect` facts), so a resumed, sharded or merged run reports the same boundary.
 */

/** One side of a boundary: the size probed and what was on the wire there. */
export interface BoundaryPoint {
  /** In the series' unit (names or bytes). */
  size: number;
  /** Configured names and CA-list bytes. */
  count: number;
  bytes: number;
  /** The certificate_authorities list and the CertificateRequest (4-byte header included) as read; null when none was read. */
  advertisedBytes: number | null;
  messageBytes: number | null;
  /** The judged client whose outcome is shown, and that outcome. */
  client: string;
  outcome: Outcome;
  caseId: string;
}

export interface Boundary {
  /** `server|policy|tls|tag`, as in the cases' `bisect.series`. */
  series: string;
  server: string;
  tls: TlsVersion;
  policy: string;
  /** Clients whose outcome decided. */
  judged: string[];
  by: BisectFacts["by"];
  from: number;
  to: number;
  until: string;
  /** Sizes probed: one server reload each. */
  probes: number;
  /** Cases of the series (every client at every probed size). */
  cases: number;
  /** The largest size before the boundary, the smallest past it. */
  lastBefore: BoundaryPoint | null;
  firstPast: BoundaryPoint | null;
  /** firstPast − lastBefore in the series' unit; 1 when the boundary was found exactly. */
  width: number | null;
  /**
   * found: one unit wide; past-at-from: `from` was already past it; none-in-range: `to` was not;
   * open: the search stopped early (an interrupted run); inconsistent: a size before the
   * boundary is larger than one past it (the outcome is not monotonic in the size).
   */
  status: "found" | "past-at-from" | "none-in-range" | "open" | "inconsistent";
}

/** Every bisected series of the run, in the order its first case appears. */
export function boundaries(cases: readonly CaseResult[]): Boundary[] {
  const bySeries = new Map<string, CaseResult[]>();
  for (const c of cases)
    if (c.bisect) bySeries.set(c.bisect.series, [...(bySeries.get(c.bisect.series) ?? []), c]);
  return [...bySeries.values()].map(boundaryOf);
}

function boundaryOf(cases: CaseResult[]): Boundary {
  const first = cases[0]!;
  const b = first.bisect!;
  const judged = cases.filter((c) => c.bisect!.judged);
  const sizes = [...new Set(cases.map((c) => c.bisect!.size))].sort((x, y) => x - y);
  let lastBefore: BoundaryPoint | null = null;
  let firstPast: BoundaryPoint | null = null;
  for (const size of sizes) {
    const here = judged.filter((c) => c.bisect!.size === size);
    if (here.length === 0) continue;
    const past = here.find((c) => c.bisect!.past);
    if (past) firstPast ??= point(past);
    else lastBefore = point(here[0]!);
  }
  const width = lastBefore && firstPast ? firstPast.size - lastBefore.size : null;
  const status: Boundary["status"] =
    width !== null
      ? width === 1
        ? "found"
        : width < 0
          ? "inconsistent"
          : "open"
      : firstPast?.size === b.from
        ? "past-at-from"
        : lastBefore?.size === b.to
          ? "none-in-range"
          : "open";
  return {
    series: b.series,
    server: first.server,
    tls: first.tls,
    policy: first.policy,
    judged: [...new Set(judged.map((c) => c.client))],
    by: b.by,
    from: b.from,
    to: b.to,
    until: b.until,
    probes: sizes.length,
    cases: cases.length,
    lastBefore,
    firstPast,
    width,
    status,
  };
}

function point(c: CaseResult): BoundaryPoint {
  return {
    size: c.bisect!.size,
    count: c.configured?.count ?? 0,
    bytes: c.configured?.caListBytes ?? 0,
    advertisedBytes: c.advertised?.bytes ?? null,
    messageBytes: c.advertised?.messageBytes ?? null,
    client: c.client,
    outcome: c.outcome,
    caseId: c.id,
  };
}

/** "largest ok" / "first fail" for the default rule, else the rule's own words. */
export function boundarySides(b: Boundary): { before: string; past: string } {
  return b.until === "non-ok"
    ? { before: "largest ok", past: "first fail" }
    : { before: `last without ${b.until}`, past: `first with ${b.until}` };
}

/** "302 names / 32,881 B (message 32,630 B)" */
export function boundaryPointText(p: BoundaryPoint): string {
  const msg = p.messageBytes === null ? "no request read" : `message ${formatBytes(p.messageBytes)}`;
  return `${formatInt(p.count)} names / ${formatBytes(p.bytes)} (${msg})`;
}

/**
 * One line per series: "boundary: largest ok 302 names / 32,881 B (message 32,630 B), first fail
 * 303 names / 33,064 B (message 32,813 B): excessive-size · client side; one name wide, 11 reloads".
 */
export function boundaryText(b: Boundary): string {
  const side = boundarySides(b);
  const unit = b.by === "names" ? "name" : "byte";
  const reloads = `${formatInt(b.probes)} reload${b.probes === 1 ? "" : "s"}`;
  const before = b.lastBefore ? `${side.before} ${boundaryPointText(b.lastBefore)}` : `${side.before}: none`;
  const past = b.firstPast
    ? `${side.past} ${boundaryPointText(b.firstPast)}: ${outcomeText(b.firstPast.outcome)}`
    : `${side.past}: none`;
  const range = `${formatInt(b.from)}..${formatInt(b.to)} ${unit}s`;
  const verdict =
    b.status === "found"
      ? `one ${unit} wide`
      : b.status === "past-at-from"
        ? `already past at ${formatInt(b.from)} ${unit}s (lower from)`
        : b.status === "none-in-range"
          ? `not reached in ${range} (raise to)`
          : b.status === "inconsistent"
            ? "not monotonic: a larger size worked"
            : `open, ${formatInt(b.width ?? 0)} ${unit}s wide (the search stopped early)`;
  return `boundary: ${before}, ${past}; ${verdict}, ${reloads}`;
}

/** "1 name (exact)", "3 B", "—" */
export function boundaryWidthText(b: Boundary): string {
  if (b.width === null) return b.status === "open" ? "open" : b.status;
  const unit = b.by === "names" ? (b.width === 1 ? "name" : "names") : "B";
  return `${formatInt(b.width)} ${unit}${b.status === "found" ? " (exact)" : ` (${b.status})`}`;
}
