import type { CaseResult } from "../model/case-result.ts";
import { CA_LIST_LIMIT_BYTES, SCHANNEL_2003_BYTES, SCHANNEL_BYTES } from "../model/limits.ts";
import { OUTCOME_CLASSES, type Outcome, type OutcomeClass } from "../model/outcome.ts";
import type { RunRecord } from "../model/run-manifest.ts";
import type { TlsVersion } from "../model/tls.ts";
import { type Boundary, boundaries } from "./boundaries.ts";

/**
 * The figures every report shows, computed once here so that the markdown, HTML, JSON and
 * JUnit outputs of one run can never disagree.
 */

/** Byte sizes of a certificate_authorities list that matter, drawn on charts. */
export interface Threshold {
  bytes: number;
  /** Short label for a chart ("12 KB"). */
  short: string;
  /** What it is. */
  label: string;
}

/** The reference lines: Schannel's two truncation points and the TLS 16-bit length limit. */
export const THRESHOLDS: readonly Threshold[] = [
  {
    bytes: SCHANNEL_2003_BYTES,
    short: "12,288 B",
    label: "Schannel truncation, Server 2003 (0x3000, KB 933430)",
  },
  { bytes: SCHANNEL_BYTES, short: "16,384 B", label: "Schannel truncation (16 KB)" },
  {
    bytes: CA_LIST_LIMIT_BYTES,
    short: "65,535 B",
    label: "TLS 16-bit length limit (OpenSSL aborts past it)",
  },
];

/** One root-list size of a series. */
export interface SizePoint {
  stepLabel: string;
  /** Configured names; for `onWire`, the names advertised. */
  count: number;
  /** Configured CA list length (bytes, with the 2-byte prefixes); for `onWire`, the advertised list's. */
  bytes: number;
  /**
   * The case has no configured list (an endpoint: rootload does not know what it was given): it
   * sits at the size it advertised (0 when no CertificateRequest was read).
   */
  onWire?: true;
  /** A `roots.wireBytes` step: the list with each name once, as an OpenSSL-based server sends it (bytes). */
  wireBytes?: number;
}

/** Where the advertised list first fell short of the configured one. */
export interface Truncation {
  at: SizePoint;
  advertisedCount: number;
  advertisedBytes: number;
  /** The policy asked for it (e.g. schannel-2003); false means the server cut on its own. */
  byPolicy: boolean;
}

/** What happened to the client certificate's issuer in the advertised list, over a series. */
export type IssuerFate =
  | { kind: "survived" }
  | { kind: "cut"; at: SizePoint; position: number | null; advertisedCount: number }
  /** The policy advertises nothing, or no CertificateRequest was read. */
  | { kind: "not-applicable" };

/** Handshake latency of one size (ms). */
export interface LatencyPoint {
  count: number;
  bytes: number;
  p50Ms: number;
  p99Ms: number;
  /** The figure also counts starting the client's process (Latency.clock "process"): not a handshake time. */
  includesProcessStart: boolean;
}

/** All cases of one server × TLS version × client × policy, ordered by configured list size. */
export interface Series {
  /** "nginx/1.2/node/all" — stable, for matching and anchors. */
  key: string;
  /** Human label; names the client and policy only when the run has more than one of them. */
  label: string;
  server: string;
  tls: TlsVersion;
  client: string;
  policy: string;
  cases: CaseResult[];
  largestOk: SizePoint | null;
  /** The smallest size whose handshake did not end "ok". */
  firstFailure: (SizePoint & { outcome: Outcome }) | null;
  truncation: Truncation | null;
  /** Every CertificateRequest seen was meant to be empty (policy "none"). */
  advertisesNothing: boolean;
  issuer: IssuerFate;
  latency: LatencyPoint[];
}

/** A case whose client had no certificate to offer because its issuer was not advertised. */
export interface IssuerCut {
  seriesLabel: string;
  caseId: string;
  at: SizePoint;
  position: number | null;
  advertisedCount: number;
  advertisedBytes: number;
}

/** The computed part of a report. */
export interface RunSummary {
  cases: number;
  plannedCases: number;
  /** Bisected series in the plan (their cases are not in plannedCases). */
  plannedBisects: number;
  /** endedAt is set, every planned case has a result and every planned search has cases. */
  complete: boolean;
  byOutcome: Record<OutcomeClass, number>;
  /**
   * Expectation checks over the recorded cases; `declared`: the expectations the scenario has
   * (from the manifest; 0 when it has none or the run predates the field).
   */
  expectations: { total: number; failed: number; casesWithFailures: number; declared: number };
  series: Series[];
  /** The smallest failing size over all series (ties: plan order). */
  firstFailure: { series: string; at: SizePoint; outcome: Outcome } | null;
  issuerCuts: IssuerCut[];
  /** Every configured list size in the run, ascending (bytes). */
  sizes: SizePoint[];
  /** Bisected series (scenario `roots.bisect`): the boundary each search found. */
  boundaries: Boundary[];
  /**
   * False for a functional-only run (manifest `latency: "not-measured"`): no case has a latency
   * figure by choice, and every report says so instead of showing empty cells.
   */
  latencyMeasured: boolean;
}

/**
 * The server instance a case ran on, as the plan names it in case ids: the driver for its first
 * entry in `servers`, `nginx#2` for the second (a user's template or image beside rootload's own).
 */
export function serverInstance(c: Pick<CaseResult, "id" | "server">): string {
  const first = c.id.split("|")[0];
  return first?.startsWith(`${c.server}#`) ? first : c.server;
}

/** The key that identifies a case across runs: server instance, TLS version, client, policy, step label. */
export function caseKey(c: Pick<CaseResult, "id" | "server" | "tls" | "client" | "policy" | "step">): string {
  return `${serverInstance(c)}/${c.tls}/${c.client}/${c.policy}/${c.step.label}`;
}

/** The key of a case's series (its case key without the step). */
export function seriesKey(c: Pick<CaseResult, "id" | "server" | "tls" | "client" | "policy">): string {
  return `${serverInstance(c)}/${c.tls}/${c.client}/${c.policy}`;
}

/** Where a case sits on the size axis: its configured list, or for an endpoint (none known) what it sent. */
/**
 * Where a case sits on every size axis (columns, x positions): its configured list, or for an
 * endpoint, which has none, the list it advertised. Every chart places cases by this one function.
 */
export function caseSize(c: CaseResult): SizePoint {
  if (!c.configured)
    return {
      stepLabel: c.step.label,
      count: c.advertised?.count ?? 0,
      bytes: c.advertised?.bytes ?? 0,
      onWire: true,
    };
  const wire = c.step.label.endsWith(" B wire") ? c.configured.wireBytes : undefined;
  return {
    stepLabel: c.step.label,
    count: c.configured.count,
    bytes: c.configured.caListBytes,
    ...(wire !== undefined ? { wireBytes: wire } : {}),
  };
}
const sizeOf = caseSize;

/** Same place on the size axes. */
export function sameSize(a: SizePoint, b: SizePoint): boolean {
  return a.bytes === b.bytes && a.count === b.count && Boolean(a.onWire) === Boolean(b.onWire);
}

function bySize(a: CaseResult, b: CaseResult): number {
  const sa = caseSize(a);
  const sb = caseSize(b);
  return sa.bytes - sb.bytes || sa.count - sb.count || a.step.index - b.step.index;
}

/** Compute the shared figures of a run. */
export function summarize(run: RunRecord): RunSummary {
  const { cases, manifest } = run;
  const series = buildAllSeries(cases);
  const bounds = boundaries(cases);
  return {
    cases: cases.length,
    plannedCases: manifest.plannedCases,
    plannedBisects: manifest.plannedBisects ?? 0,
    complete:
      manifest.endedAt !== undefined &&
      cases.length >= manifest.plannedCases &&
      bounds.length >= (manifest.plannedBisects ?? 0),
    byOutcome: countOutcomes(cases),
    expectations: { ...countExpectations(cases), declared: manifest.expectations ?? 0 },
    series,
    firstFailure: earliestFailure(series),
    issuerCuts: issuerCutsOf(series),
    sizes: sizeAxis(cases),
    boundaries: bounds,
    latencyMeasured: manifest.latency !== "not-measured",
  };
}

function countOutcomes(cases: readonly CaseResult[]): Record<OutcomeClass, number> {
  const byOutcome = Object.fromEntries(OUTCOME_CLASSES.map((k) => [k, 0])) as Record<OutcomeClass, number>;
  for (const c of cases) byOutcome[c.outcome.class]++;
  return byOutcome;
}

function countExpectations(cases: readonly CaseResult[]): Omit<RunSummary["expectations"], "declared"> {
  let total = 0;
  let failed = 0;
  let casesWithFailures = 0;
  for (const c of cases) {
    const ex = c.expectations ?? [];
    total += ex.length;
    const f = ex.filter((e) => !e.pass).length;
    failed += f;
    if (f > 0) casesWithFailures++;
  }
  return { total, failed, casesWithFailures };
}

/** The cases grouped by series (server × TLS × client × policy), in order of first appearance. */
function buildAllSeries(cases: readonly CaseResult[]): Series[] {
  const groups = new Map<string, CaseResult[]>();
  for (const c of cases) {
    const k = seriesKey(c);
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  const label = seriesLabeller(cases);
  return [...groups.entries()].map(([key, group]) =>
    buildSeries(key, label(group[0]!), [...group].sort(bySize)),
  );
}

/**
 * Name the policy only for servers run with several, and the client only where two series
 * differ by nothing else, so labels stay short enough for chart legends and table heads.
 */
function seriesLabeller(cases: readonly CaseResult[]): (first: CaseResult) => string {
  const policiesPerServer = new Map<string, Set<string>>();
  const clientsPerGroup = new Map<string, Set<string>>();
  for (const c of cases) {
    const p = policiesPerServer.get(serverInstance(c)) ?? new Set<string>();
    policiesPerServer.set(serverInstance(c), p.add(c.policy));
    const g = `${serverInstance(c)}/${c.tls}/${c.policy}`;
    const k = clientsPerGroup.get(g) ?? new Set<string>();
    clientsPerGroup.set(g, k.add(c.client));
  }
  return (first) => {
    const server = serverInstance(first);
    const parts = [`${server} TLS ${first.tls}`];
    if ((policiesPerServer.get(server)?.size ?? 0) > 1) parts.push(first.policy);
    if ((clientsPerGroup.get(`${server}/${first.tls}/${first.policy}`)?.size ?? 0) > 1)
      parts.push(first.client);
    return parts.join(" · ");
  };
}

/** The smallest failing size over all series (ties: the earlier series). */
function earliestFailure(series: readonly Series[]): RunSummary["firstFailure"] {
  let firstFailure: RunSummary["firstFailure"] = null;
  for (const s of series) {
    const f = s.firstFailure;
    if (f && (!firstFailure || f.bytes < firstFailure.at.bytes)) {
      const { outcome, ...at } = f;
      firstFailure = { series: s.label, at, outcome };
    }
  }
  return firstFailure;
}

/** Every case whose client had no certificate to offer because its issuer was not advertised. */
function issuerCutsOf(series: readonly Series[]): IssuerCut[] {
  const issuerCuts: IssuerCut[] = [];
  for (const s of series)
    for (const c of s.cases)
      if (c.outcome.class === "issuer-not-advertised")
        issuerCuts.push({
          seriesLabel: s.label,
          caseId: c.id,
          at: sizeOf(c),
          position: c.clientIssuer?.position ?? null,
          advertisedCount: c.advertised?.count ?? 0,
          advertisedBytes: c.advertised?.bytes ?? 0,
        });
  return issuerCuts;
}

/** Every configured list size in the run, ascending (bytes, then names). */
function sizeAxis(cases: readonly CaseResult[]): SizePoint[] {
  const sizeMap = new Map<string, SizePoint>();
  for (const c of cases) {
    const p = sizeOf(c);
    sizeMap.set(`${p.bytes}/${p.count}/${p.onWire ? "wire" : "configured"}`, p);
  }
  return [...sizeMap.values()].sort((a, b) => a.bytes - b.bytes || a.count - b.count);
}

/**
 * Distinct names in the configured store: re-keyed roots share a name, and a server that sends it
 * once (OpenSSL) has not truncated anything. Runs recorded before `names` existed fall back to count.
 */
export function configuredNames(c: CaseResult): number {
  return c.configured?.names ?? c.configured?.count ?? 0;
}

/** Distinct names on the wire (Node's server repeats shared names). */
export function distinctSent(a: NonNullable<CaseResult["advertised"]>): number {
  return a.count - a.duplicates;
}

function buildSeries(key: string, label: string, cases: CaseResult[]): Series {
  const first = cases[0]!;
  let largestOk: SizePoint | null = null;
  let firstFailure: Series["firstFailure"] = null;
  let truncation: Truncation | null = null;
  let issuer: IssuerFate | null = null;
  let sawIssuer = false;
  const latency: LatencyPoint[] = [];
  const seen = cases.filter((c) => c.advertised !== null);
  const advertisesNothing = seen.length > 0 && seen.every((c) => c.intended?.count === 0);

  for (const c of cases) {
    const at = sizeOf(c);
    if (c.outcome.class === "ok") largestOk = at;
    else firstFailure ??= { ...at, outcome: c.outcome };
    const adv = c.advertised;
    if (!truncation && adv && !advertisesNothing && distinctSent(adv) < configuredNames(c))
      truncation = {
        at,
        advertisedCount: adv.count,
        advertisedBytes: adv.bytes,
        byPolicy: c.intended !== undefined && c.intended.count < configuredNames(c),
      };
    if (!advertisesNothing && c.clientIssuerAdvertised !== null) {
      sawIssuer = true;
      if (c.clientIssuerAdvertised === false && !issuer)
        issuer = {
          kind: "cut",
          at,
          position: c.clientIssuer?.position ?? null,
          advertisedCount: adv?.count ?? 0,
        };
    }
    if (c.latency)
      latency.push({
        count: at.count,
        bytes: at.bytes,
        p50Ms: c.latency.p50Ms,
        p99Ms: c.latency.p99Ms,
        includesProcessStart: c.latency.clock === "process",
      });
  }
  return {
    key,
    label,
    server: serverInstance(first),
    tls: first.tls,
    client: first.client,
    policy: first.policy,
    cases,
    largestOk,
    firstFailure,
    truncation,
    advertisesNothing,
    issuer: issuer ?? (sawIssuer ? { kind: "survived" } : { kind: "not-applicable" }),
    latency,
  };
}
