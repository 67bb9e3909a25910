import type { BisectFacts } from "../model/case-result.ts";
import { type ClientSpec, clientSpec } from "../model/client-spec.ts";
import type { ScenarioDriver } from "../model/names.ts";
import { type Outcome, sideOf } from "../model/outcome.ts";
import { type IssuerPolicy, parsePolicy, policyName } from "../model/policy.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { BisectSpec, BisectUntil, Scenario } from "../scenario/define-scenario.ts";
import { isAsConfigured } from "../scenario/server-rules.ts";
import { AS_CONFIGURED, acceptsForge, CLIENT_TLS, serverKeys } from "./plan.ts";

/**
 * Bisected root series (scenario `roots.bisect`): the sizes are not known before the run, since
 * each midpoint depends on the outcome at the last one. What is fixed up front is the series
 * itself (server instance × policy × TLS version × bisect entry) and how a probed size becomes
 * cases, ids and plan positions; a resumed run replays the search from the recorded cases, so it
 * reaches the same midpoints and runs only the ones that are missing.
 */
export interface PlannedBisect {
  /** `server|policy|tls|tag`: the `bisect.series` of its cases. */
  key: string;
  /** "bisect" for the first entry of `roots.bisect`, "bisect#2"… for the others: the step label's prefix. */
  tag: string;
  serverIndex: number;
  serverKey: string;
  driver: ScenarioDriver;
  policy: IssuerPolicy;
  asConfigured?: boolean;
  tls: TlsVersion;
  by: "names" | "bytes";
  from: number;
  to: number;
  until: BisectUntil;
  /** Clients run at every probed size, in scenario order. */
  clients: ClientSpec[];
  /** Labels of the clients whose outcome decides (`client`, default every client). */
  judged: string[];
  /** Plan position of this series' first possible case; cases follow in probe order, clients within. */
  planIndexBase: number;
  /** Step index of this series' first possible probe (after the static steps and earlier series). */
  stepIndexBase: number;
}

/** Most sizes a search of [from, to] can probe: both ends, then ⌈log2(to − from)⌉ midpoints. */
export function maxProbes(from: number, to: number): number {
  return 2 + Math.ceil(Math.log2(Math.max(1, to - from)));
}

/** Most cases a series can record (every client at every probe): its weight when series are dealt out. */
export function maxCases(b: Pick<PlannedBisect, "from" | "to" | "clients">): number {
  return maxProbes(b.from, b.to) * b.clients.length;
}

/** What the search concluded. */
export type BisectEnd =
  | { kind: "found"; lastBefore: number; firstPast: number }
  /** `from` itself is already past the boundary. */
  | { kind: "past-at-from" }
  /** Even `to` is not past it. */
  | { kind: "none-in-range" };

/**
 * The search as a generator: it yields the next size to probe and is resumed with whether that
 * size was past the boundary. Assumes one boundary (every size before it good, every size after
 * it past); it ends when the two sides are one unit apart.
 */
export function* bisection(from: number, to: number): Generator<number, BisectEnd, boolean> {
  if (yield from) return { kind: "past-at-from" };
  if (!(yield to)) return { kind: "none-in-range" };
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (yield mid) hi = mid;
    else lo = mid;
  }
  return { kind: "found", lastBefore: lo, firstPast: hi };
}

/** Whether an outcome is past the boundary under `until`. */
export function matchesUntil(until: BisectUntil, o: Outcome): boolean {
  if (until === "non-ok") return o.class !== "ok";
  if (until.outcome !== undefined && ![until.outcome].flat().includes(o.class)) return false;
  if (until.side !== undefined && sideOf(o) !== until.side) return false;
  if (until.alert !== undefined && (o.class !== "server-alert" || o.alert !== until.alert)) return false;
  return true;
}

/** `until` as the reports print it. */
export function untilText(until: BisectUntil): string {
  if (until === "non-ok") return "non-ok";
  const parts: string[] = [];
  if (until.outcome !== undefined) parts.push(`outcome ${[until.outcome].flat().join(" or ")}`);
  if (until.side !== undefined) parts.push(`side ${until.side}`);
  if (until.alert !== undefined) parts.push(`alert ${until.alert}`);
  return parts.join(", ");
}

/** The scenario's bisect entries as a list, with the field path each is known by in errors. */
export function bisectEntries(scenario: Scenario): { spec: BisectSpec; field: string }[] {
  const b = scenario.roots?.bisect;
  if (b === undefined) return [];
  return Array.isArray(b)
    ? b.map((spec, i) => ({ spec, field: `roots.bisect[${i}]` }))
    : [{ spec: b, field: "roots.bisect" }];
}

/**
 * Every bisected series of the scenario, after the `staticCases` cases and `staticSteps` steps of
 * the fixed plan: per server instance (endpoints are not grown), per policy, per TLS version, per
 * bisect entry. The clients follow the rules of the fixed plan (forge only on TLS 1.2 and only on
 * servers rootload configures).
 */
export function planBisects(scenario: Scenario, staticCases: number, staticSteps: number): PlannedBisect[] {
  const entries = bisectEntries(scenario);
  if (entries.length === 0) return [];
  const all = (scenario.clients ?? ["node"]).map(clientSpec);
  const keys = serverKeys(scenario);
  const out: PlannedBisect[] = [];
  let planIndexBase = staticCases;
  let stepIndexBase = staticSteps;
  scenario.servers.forEach((s, serverIndex) => {
    if (s.driver === "endpoint") return;
    const asConfigured = isAsConfigured(s);
    const policies = [asConfigured ? "all" : (s.policy ?? "all")].flat().map((t) => parsePolicy(t)!);
    for (const policy of policies)
      for (const tls of s.tls ?? (["1.2", "1.3"] as const))
        entries.forEach(({ spec }, k) => {
          const wanted = spec.client === undefined ? undefined : [spec.client].flat();
          const clients = all.filter(
            (c) =>
              (!wanted || wanted.includes(c.label)) &&
              CLIENT_TLS[c.name].includes(tls) &&
              (c.name !== "forge" || acceptsForge(s)),
          );
          if (clients.length === 0) return;
          const tag = k === 0 ? "bisect" : `bisect#${k + 1}`;
          const policyText = asConfigured ? AS_CONFIGURED : policyName(policy);
          out.push({
            key: `${keys[serverIndex]}|${policyText}|tls${tls}|${tag}`,
            tag,
            serverIndex,
            serverKey: keys[serverIndex]!,
            driver: s.driver,
            policy,
            ...(asConfigured ? { asConfigured } : {}),
            tls,
            by: spec.by ?? "names",
            from: spec.from,
            to: spec.to,
            until: spec.until ?? "non-ok",
            clients,
            judged: clients.map((c) => c.label),
            planIndexBase,
            stepIndexBase,
          });
          const probes = maxProbes(spec.from, spec.to);
          planIndexBase += probes * clients.length;
          stepIndexBase += probes;
        });
  });
  return out;
}

/** A probed size as a step label: `bisect n=304`, `bisect#2 33017 B`. */
export function bisectStepLabel(b: Pick<PlannedBisect, "tag" | "by">, size: number): string {
  return `${b.tag} ${b.by === "names" ? `n=${size}` : `${size} B`}`;
}

/** The case id of one client at one probed size (the fixed plan's id format). */
export function bisectCaseId(b: PlannedBisect, size: number, client: ClientSpec): string {
  const policy = b.asConfigured ? AS_CONFIGURED : policyName(b.policy);
  return `${b.serverKey}|${policy}|${bisectStepLabel(b, size)}|tls${b.tls}|${client.label}`;
}

/** Whether a recorded case id belongs to one of these series (a resumed run's plan check). */
export function ownsCaseId(bisects: readonly PlannedBisect[], id: string): boolean {
  const [server, policy, label, tls, client] = id.split("|");
  if (client === undefined) return false;
  return bisects.some((b) => {
    if (b.serverKey !== server || `tls${b.tls}` !== tls) return false;
    if ((b.asConfigured ? AS_CONFIGURED : policyName(b.policy)) !== policy) return false;
    if (!b.clients.some((c) => c.label === client)) return false;
    const m = /^(\S+) (?:n=(\d+)|(\d+) B)$/.exec(label ?? "");
    if (!m || m[1] !== b.tag || (m[2] !== undefined) !== (b.by === "names")) return false;
    const size = Number(m[2] ?? m[3]);
    return size >= b.from && size <= b.to;
  });
}

/** The facts a bisected case records, before its outcome is judged. */
export function bisectFacts(b: PlannedBisect, size: number, client: string, outcome: Outcome): BisectFacts {
  return {
    series: b.key,
    by: b.by,
    size,
    from: b.from,
    to: b.to,
    until: untilText(b.until),
    judged: b.judged.includes(client),
    past: matchesUntil(b.until, outcome),
  };
}
