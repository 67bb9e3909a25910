import type { CaseResult } from "../model/case-result.ts";
import type { Outcome } from "../model/outcome.ts";
import { type RunRecord, runServerKey } from "../model/run-manifest.ts";
import { type Boundary, boundaries, boundaryPointText } from "./boundaries.ts";
import { latencyNoise } from "./latency-noise.ts";
import { caseKey } from "./summary.ts";

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /** A p50 latency change larger than this (percent of the baseline) is reported. Default 25. */
  latencyThresholdPct?: number;
  /**
   * And larger than this many ms: a 3 ms handshake moving by 1 ms is 33 % but only noise on a
   * loaded 2-core machine. Default 1.
   */
  latencyFloorMs?: number;
}

/** Whether a difference makes the current run worse, better, or just different. */
export type Severity = "regression" | "improvement" | "change";

/** The advertised list, as compared. */
export interface AdvertisedFigures {
  count: number;
  bytes: number;
  missing: number;
  extra: number;
}

/** One difference between a baseline case and the current case with the same key. */
export type CaseDifference =
  | { kind: "outcome"; key: string; severity: Severity; before: Outcome; after: Outcome }
  | {
      kind: "advertised";
      key: string;
      severity: Severity;
      before: AdvertisedFigures;
      after: AdvertisedFigures;
      clientIssuerBefore: boolean | null;
      clientIssuerAfter: boolean | null;
      /** Names on the wire now and not before, and the reverse (when both runs kept the names). */
      namesAdded?: string[];
      namesRemoved?: string[];
    }
  | {
      kind: "latency";
      key: string;
      severity: Severity;
      beforeP50Ms: number;
      afterP50Ms: number;
      beforeP99Ms: number;
      afterP99Ms: number;
      /** (after − before) / before of p50, as a fraction (0.4 = 40% slower). */
      change: number;
      /** Set when the change is within the noise the runs show (severity "change"): why. */
      noise?: string;
    }
  | {
      kind: "expectation";
      key: string;
      severity: Severity;
      expect: string;
      /** null: the baseline did not have this expectation. */
      before: boolean | null;
      after: boolean;
      message: string;
    };

/**
 * A bisected series whose boundary moved. Its probed sizes depend on the outcomes, so a moved
 * boundary also adds and removes probe cases: those are not counted as cases gone, this is.
 */
export interface BoundaryChange {
  series: string;
  severity: Severity;
  /** null: the search has no such side (e.g. nothing failed in range). */
  before: { lastBefore: number | null; firstPast: number | null; text: string };
  after: { lastBefore: number | null; firstPast: number | null; text: string };
}

/** A server component whose reported version differs between the runs (context for the differences). */
export interface VersionChange {
  /** The server instance, as case results name it (`nginx`, `nginx#2`), or "harness". */
  server: string;
  component: string;
  /** null: not reported in that run. */
  before: string | null;
  after: string | null;
}

/** The structured result of comparing two runs. */
export interface RunComparison {
  baseline: { runId: string; startedAt: string };
  current: { runId: string; startedAt: string };
  latencyThresholdPct: number;
  /**
   * The runs that did not measure latency (functional-only: `--no-latency` or scenario
   * `latency: false`); when any, no latency is compared, and its absence is no regression.
   */
  latencyNotMeasured: ("baseline" | "current")[];
  /** Server and harness versions that differ: the usual suspects for any difference below. */
  versionChanges: VersionChange[];
  /** Keys present in both runs. */
  matched: number;
  differences: CaseDifference[];
  /** Case keys only in the current run. */
  added: string[];
  /** Case keys only in the baseline: what used to be checked no longer is, so each is a regression. */
  removed: string[];
  /** Keys that occur more than once in a run; only their last occurrence is compared. */
  duplicateKeys: string[];
  /** Bisected series whose boundary moved or that only one run has. */
  boundaryChanges: BoundaryChange[];
  regressions: number;
  improvements: number;
  /** True when any difference is a regression or a baseline case is gone: the exit status of `rootload compare`. */
  regression: boolean;
}

function index(cases: CaseResult[], dups: Set<string>): Map<string, CaseResult> {
  const m = new Map<string, CaseResult>();
  for (const c of cases) {
    const k = caseKey(c);
    if (m.has(k)) dups.add(k);
    m.set(k, c);
  }
  return m;
}

function versions(run: RunRecord): Map<string, string> {
  const m = new Map<string, string>();
  m.set("harness\u0000node", run.manifest.node);
  m.set("harness\u0000openssl", run.manifest.openssl);
  for (const s of run.manifest.servers)
    for (const [component, v] of Object.entries(s.versions)) m.set(`${runServerKey(s)}\u0000${component}`, v);
  return m;
}

function versionChanges(baseline: RunRecord, current: RunRecord): VersionChange[] {
  const b = versions(baseline);
  const a = versions(current);
  const out: VersionChange[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const before = b.get(key) ?? null;
    const after = a.get(key) ?? null;
    if (before === after) continue;
    const [server, component] = key.split("\u0000") as [string, string];
    out.push({ server, component, before, after });
  }
  return out;
}

/**
 * Same class (and alert), and the same side when both runs recorded one: a failure that moves from
 * the server to the client is a different failure. A record without `side` (written before it
 * existed) is unknown, which is not a change.
 */
function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.class !== b.class) return false;
  if (a.class === "server-alert" && b.class === "server-alert" && a.alert !== b.alert) return false;
  const sa = a.class === "ok" ? undefined : a.side;
  const sb = b.class === "ok" ? undefined : b.side;
  return sa === undefined || sb === undefined || sa === sb;
}

function figures(a: NonNullable<CaseResult["advertised"]>): AdvertisedFigures {
  return { count: a.count, bytes: a.bytes, missing: a.missing, extra: a.extra };
}

/** How far the wire list is from what the policy meant to send (names); 0 when nothing was meant. */
function distance(c: CaseResult): number {
  const a = c.advertised!;
  return Math.abs(a.count - (c.intended?.count ?? a.count)) + a.missing + a.extra;
}

/**
 * Per client, how far its cases' p50 moved between the runs each way: the root mean square of
 * ln(after/before) over the cases that got slower (`up`) and over those that got faster (`down`).
 */
type ClientMoves = Map<string, { up: number; down: number }>;

function p50Ratio(b: CaseResult, a: CaseResult): number | undefined {
  if (!b.latency || !a.latency || b.latency.p50Ms <= 0 || a.latency.p50Ms <= 0) return undefined;
  if ((b.latency.clock ?? "wall") !== (a.latency.clock ?? "wall")) return undefined;
  return Math.log(a.latency.p50Ms / b.latency.p50Ms);
}

function clientMoves(pairs: [CaseResult, CaseResult][]): ClientMoves {
  const sums = new Map<string, { up: number; nUp: number; down: number; nDown: number }>();
  for (const [b, a] of pairs) {
    const r = p50Ratio(b, a);
    if (r === undefined || r === 0) continue;
    const x = sums.get(a.client) ?? { up: 0, nUp: 0, down: 0, nDown: 0 };
    if (r > 0) sums.set(a.client, { ...x, up: x.up + r * r, nUp: x.nUp + 1 });
    else sums.set(a.client, { ...x, down: x.down + r * r, nDown: x.nDown + 1 });
  }
  const rms = (sq: number, n: number) => (n === 0 ? 0 : Math.sqrt(sq / n));
  return new Map(
    [...sums].map(([client, x]) => [client, { up: rms(x.up, x.nUp), down: rms(x.down, x.nDown) }]),
  );
}

function compareCase(
  key: string,
  b: CaseResult,
  a: CaseResult,
  /** Undefined: latency is not compared (a run did not measure it). */
  thresholdPct: number | undefined,
  floorMs: number,
  moves: ClientMoves,
): CaseDifference[] {
  const out: CaseDifference[] = [];
  if (!sameOutcome(b.outcome, a.outcome))
    out.push({
      kind: "outcome",
      key,
      severity: a.outcome.class === "ok" ? "improvement" : "regression",
      before: b.outcome,
      after: a.outcome,
    });
  // When either side read no CertificateRequest, the outcome difference already says it.
  if (b.advertised && a.advertised) {
    const fb = figures(b.advertised);
    const fa = figures(a.advertised);
    // Same counts, other names: only the fingerprint sees a swapped name (both runs must have one).
    const fpb = b.advertised.fingerprint;
    const fpa = a.advertised.fingerprint;
    const otherNames = fpb !== undefined && fpa !== undefined && fpb !== fpa;
    if (
      fb.count !== fa.count ||
      fb.bytes !== fa.bytes ||
      fb.missing !== fa.missing ||
      fb.extra !== fa.extra ||
      otherNames
    ) {
      const lostIssuer = b.clientIssuerAdvertised === true && a.clientIssuerAdvertised === false;
      const gainedIssuer = b.clientIssuerAdvertised === false && a.clientIssuerAdvertised === true;
      const db = distance(b);
      const da = distance(a);
      // A server tested as configured has no intended list to be closer to: for the regression
      // guard of a deployed config, any change of what it advertises fails the comparison.
      const asConfigured = !a.intended || !b.intended;
      const severity: Severity =
        lostIssuer || (!gainedIssuer && (asConfigured || da > db))
          ? "regression"
          : gainedIssuer || da < db
            ? "improvement"
            : "change";
      const namesB = b.advertised.names;
      const namesA = a.advertised.names;
      out.push({
        kind: "advertised",
        key,
        severity,
        before: fb,
        after: fa,
        clientIssuerBefore: b.clientIssuerAdvertised,
        clientIssuerAfter: a.clientIssuerAdvertised,
        ...(namesB && namesA
          ? {
              namesAdded: namesA.filter((n) => !namesB.includes(n)),
              namesRemoved: namesB.filter((n) => !namesA.includes(n)),
            }
          : {}),
      });
    }
  }
  if (thresholdPct !== undefined && b.latency && a.latency && b.latency.p50Ms > 0) {
    const change = (a.latency.p50Ms - b.latency.p50Ms) / b.latency.p50Ms;
    if (Math.abs(change) * 100 > thresholdPct && Math.abs(a.latency.p50Ms - b.latency.p50Ms) > floorMs) {
      const m = moves.get(a.client);
      const noise = latencyNoise(b.latency, a.latency, (change > 0 ? m?.down : m?.up) ?? 0);
      out.push({
        kind: "latency",
        key,
        severity: noise.within ? "change" : change > 0 ? "regression" : "improvement",
        beforeP50Ms: b.latency.p50Ms,
        afterP50Ms: a.latency.p50Ms,
        beforeP99Ms: b.latency.p99Ms,
        afterP99Ms: a.latency.p99Ms,
        change,
        ...(noise.within ? { noise: noise.why } : {}),
      });
    }
  }
  const before = new Map((b.expectations ?? []).map((e) => [e.expect, e.pass]));
  for (const e of a.expectations ?? []) {
    const was = before.has(e.expect) ? before.get(e.expect)! : null;
    if (was === e.pass || (was === null && e.pass)) continue;
    out.push({
      kind: "expectation",
      key,
      severity: e.pass ? "improvement" : "regression",
      expect: e.expect,
      before: was,
      after: e.pass,
      message: e.message,
    });
  }
  return out;
}

/**
 * Compare a run against a baseline, case by case, matching cases by
 * server/tls/client/policy/step label. Pure: the caller reads the runs.
 */
export function compareRuns(
  baseline: RunRecord,
  current: RunRecord,
  opts: CompareOptions = {},
): RunComparison {
  const thresholdPct = opts.latencyThresholdPct ?? 25;
  const latencyNotMeasured = (
    [
      ["baseline", baseline],
      ["current", current],
    ] as const
  )
    .filter(([, r]) => r.manifest.latency === "not-measured")
    .map(([side]) => side);
  // Figures exist on one side only: nothing to compare (a stray figure in a run that claims none is ignored).
  const latencyThreshold = latencyNotMeasured.length > 0 ? undefined : thresholdPct;
  const dups = new Set<string>();
  const before = index(baseline.cases, dups);
  const after = index(current.cases, dups);
  const differences: CaseDifference[] = [];
  const added: string[] = [];
  const pairs: [string, CaseResult, CaseResult][] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    if (b) pairs.push([key, b, a]);
    else added.push(key);
  }
  const matched = pairs.length;
  const moves = clientMoves(pairs.map(([, b, a]) => [b, a]));
  for (const [key, b, a] of pairs)
    differences.push(...compareCase(key, b, a, latencyThreshold, opts.latencyFloorMs ?? 1, moves));
  // A probe of a search that the current run also made is not a case gone: which sizes a search
  // probes follows from its outcomes, and a moved boundary is judged below instead.
  const currentSeries = new Set(current.cases.flatMap((c) => (c.bisect ? [c.bisect.series] : [])));
  const removed = [...before.keys()].filter((k) => {
    if (after.has(k)) return false;
    const series = before.get(k)!.bisect?.series;
    return series === undefined || !currentSeries.has(series);
  });
  const boundaryChanges = compareBoundaries(boundaries(baseline.cases), boundaries(current.cases));
  const regressions =
    differences.filter((d) => d.severity === "regression").length +
    boundaryChanges.filter((d) => d.severity === "regression").length;
  return {
    baseline: { runId: baseline.manifest.runId, startedAt: baseline.manifest.startedAt },
    current: { runId: current.manifest.runId, startedAt: current.manifest.startedAt },
    latencyThresholdPct: thresholdPct,
    latencyNotMeasured,
    versionChanges: versionChanges(baseline, current),
    matched,
    differences,
    added,
    removed,
    duplicateKeys: [...dups],
    boundaryChanges,
    regressions,
    improvements:
      differences.filter((d) => d.severity === "improvement").length +
      boundaryChanges.filter((d) => d.severity === "improvement").length,
    // A changed config (another policy, fewer sizes) shows up as baseline cases that no longer
    // exist; passing would hide exactly the change this command guards against.
    regression: regressions > 0 || removed.length > 0,
  };
}

/**
 * Boundaries matched by series: the last size before the boundary fell (the limit comes earlier)
 * is a regression, rose an improvement; a search only in the baseline is a regression (its cases
 * are gone), one only in the current run a change.
 */
function compareBoundaries(before: Boundary[], after: Boundary[]): BoundaryChange[] {
  const side = (b: Boundary | undefined) => ({
    lastBefore: b?.lastBefore?.size ?? null,
    firstPast: b?.firstPast?.size ?? null,
    text: b ? boundarySummary(b) : "no such search",
  });
  const out: BoundaryChange[] = [];
  const now = new Map(after.map((b) => [b.series, b]));
  for (const b of before) {
    const a = now.get(b.series);
    now.delete(b.series);
    const sb = side(b);
    const sa = side(a);
    if (a && sb.lastBefore === sa.lastBefore && sb.firstPast === sa.firstPast) continue;
    // No last size before the boundary: everything in range failed, the limit sits below `from`.
    const rank = (x: number | null, f: Boundary) => x ?? f.from - 1;
    const severity: Severity = !a
      ? "regression"
      : rank(sa.lastBefore, a) < rank(sb.lastBefore, b)
        ? "regression"
        : rank(sa.lastBefore, a) > rank(sb.lastBefore, b)
          ? "improvement"
          : "change";
    out.push({ series: b.series, severity, before: sb, after: sa });
  }
  for (const a of now.values())
    out.push({ series: a.series, severity: "change", before: side(undefined), after: side(a) });
  return out;
}

function boundarySummary(b: Boundary): string {
  const last = b.lastBefore ? boundaryPointText(b.lastBefore) : "none";
  const first = b.firstPast ? boundaryPointText(b.firstPast) : "none";
  return `last before ${last}, first past ${first}`;
}
