import { InputError } from "../errors.ts";
import { type ClientSpec, clientSpec } from "../model/client-spec.ts";
import type { ClientName, ScenarioDriver } from "../model/names.ts";
import { type IssuerPolicy, parsePolicy, policyName } from "../model/policy.ts";
import type { TlsVersion } from "../model/tls.ts";
import { RootStore } from "../roots/root-store.ts";
import type { Scenario, ServerSpec } from "../scenario/define-scenario.ts";
import { isAsConfigured } from "../scenario/server-rules.ts";

/** One step of the root-list series: the store loaded into the server for a group of cases. */
export interface RootStep {
  index: number;
  label: string;
  store: RootStore;
  /** Index of the client issuer in `store.entries` (placed by the growth series), or null. */
  clientIssuerPosition: number | null;
}

export interface PlannedCase {
  id: string;
  /**
   * Position in the whole plan (before sharding): how a parallel run, a resumed run and merged
   * shards all put their cases back in one order, the order a single serial run writes.
   */
  planIndex: number;
  /** Index of the server in scenario.servers (one server instance per index). */
  serverIndex: number;
  driver: ScenarioDriver;
  /**
   * The server's issuer-list policy, parsed once here. For a server tested as configured it is
   * "all" (its template gets the whole store in every CA placeholder) and `asConfigured` is set.
   */
  policy: IssuerPolicy;
  /** An endpoint, or a user's template given no policy: its list is whatever its config makes it. */
  asConfigured?: boolean;
  step: RootStep;
  tls: TlsVersion;
  /** The client's label (its name plus options): what ids, reports and compare use. */
  client: string;
  clientSpec: ClientSpec;
}

export interface Shard {
  index: number;
  count: number;
}

/** The node-forge client speaks TLS 1.0-1.2 wire formats only. */
export const CLIENT_TLS: Record<ClientName, readonly TlsVersion[]> = {
  node: ["1.2", "1.3"],
  openssl: ["1.2", "1.3"],
  gnutls: ["1.2", "1.3"],
  forge: ["1.2"],
  java: ["1.2", "1.3"],
  go: ["1.2", "1.3"],
  python: ["1.2", "1.3"],
  curl: ["1.2", "1.3"],
  // Debian's mbed TLS 2.28 is built without its experimental TLS 1.3.
  mbedtls: ["1.2"],
  wolfssl: ["1.2", "1.3"],
  rustls: ["1.2", "1.3"],
  erlang: ["1.2", "1.3"],
  bouncycastle: ["1.2", "1.3"],
};

/**
 * The case matrix in execution order: per server, per policy, per step (so one server instance
 * is reloaded along the series), per TLS version, per client. Ids are stable across runs of the
 * same scenario, which is what resume and merge match on.
 */
export function planCases(scenario: Scenario, steps: readonly RootStep[]): PlannedCase[] {
  const clients = (scenario.clients ?? ["node"]).map(clientSpec);
  const out: PlannedCase[] = [];
  const keys = serverKeys(scenario);
  scenario.servers.forEach((s, serverIndex) => {
    const serverKey = keys[serverIndex]!;
    const asConfigured = isAsConfigured(s);
    const policies = [asConfigured || s.driver === "endpoint" ? "all" : (s.policy ?? "all")]
      .flat()
      .map((text, i) => {
        const parsed = parsePolicy(text);
        if (!parsed)
          throw new InputError(`servers[${serverIndex}].policy[${i}]`, `"${text}" is not a policy`);
        return parsed;
      });
    const versions = s.tls ?? ["1.2", "1.3"];
    const series = s.driver === "endpoint" ? [ENDPOINT_STEP] : steps;
    const only = s.steps ? new Set(s.steps) : undefined;
    for (const policy of policies)
      for (const step of series)
        for (const tls of only && !only.has(step.label) ? [] : versions)
          for (const client of clients) {
            if (!CLIENT_TLS[client.name].includes(tls)) continue;
            // forge needs an RSA server key and TLS 1.0 settings that only rootload's own configs
            // add: a user's config or a running endpoint is not changed to let it in.
            if (client.name === "forge" && !acceptsForge(s)) continue;
            out.push({
              id: `${serverKey}|${asConfigured ? AS_CONFIGURED : policyName(policy)}|${step.label}|tls${tls}|${client.label}`,
              planIndex: out.length,
              serverIndex,
              driver: s.driver,
              policy,
              ...(asConfigured ? { asConfigured } : {}),
              step,
              tls,
              client: client.label,
              clientSpec: client,
            });
          }
  });
  return out;
}

/** Each server instance's key in case ids: its driver, then `nginx#2`… for the same driver again. */
export function serverKeys(scenario: Pick<Scenario, "servers">): string[] {
  const seen = new Map<string, number>();
  return scenario.servers.map((s) => {
    const n = seen.get(s.driver) ?? 0;
    seen.set(s.driver, n + 1);
    return n === 0 ? s.driver : `${s.driver}#${n + 1}`;
  });
}

/** Whether the server can be set up for the legacy forge client (rootload renders its config). */
export function acceptsForge(s: ServerSpec): boolean {
  return s.driver !== "endpoint" && s.config === undefined;
}

/** The policy name of a server tested as configured, in case ids and results. */
export const AS_CONFIGURED = "as-configured";

/** The policy as a case records it. */
export function casePolicyName(c: Pick<PlannedCase, "policy" | "asConfigured">): string {
  return c.asConfigured ? AS_CONFIGURED : policyName(c.policy);
}

/**
 * The one step of an endpoint: no store is loaded (the server runs elsewhere, as configured), and
 * the label is the same in every run so `compare` matches the cases.
 */
export const ENDPOINT_STEP: RootStep = {
  index: 0,
  label: "endpoint",
  store: new RootStore("endpoint", "pem", []),
  clientIssuerPosition: null,
};

/**
 * The slice of the plan that shard i of n runs (1-based i). Whole server instances go to one
 * shard each, so a shard starts each of its servers once and reloads it along the series as a
 * single run would (round-robin by case made every shard start every server and reload at every
 * step). Instances are dealt largest first to the shard with the fewest cases so far; when there
 * are fewer instances than shards, the largest is cut in two (at a policy boundary if it has
 * several, else at the middle step) until there are enough. Deterministic: every shard of a CI
 * matrix computes the same split from the same plan.
 */
export function shardOf(plan: readonly PlannedCase[], shard: Shard | undefined): PlannedCase[] {
  return shardWork(plan, [], () => 0, shard).cases;
}

/** Work of one server instance beside the fixed plan (a bisected series): it runs on that instance's shard. */
export interface InstanceWork {
  serverIndex: number;
  policy: IssuerPolicy;
}

/**
 * shardOf for a plan with instance work beside it: each piece of work goes with its server
 * instance (to the piece of it that has the same policy when the instance was cut), and an
 * instance that has only such work is dealt as a unit of its own, weighed by `weight` (cases).
 */
export function shardWork<W extends InstanceWork>(
  plan: readonly PlannedCase[],
  work: readonly W[],
  weight: (w: W) => number,
  shard: Shard | undefined,
): { cases: PlannedCase[]; work: W[] } {
  if (!shard) return { cases: [...plan], work: [...work] };
  const withCases = new Set(plan.map((c) => c.serverIndex));
  const alone = [...new Set(work.filter((w) => !withCases.has(w.serverIndex)).map((w) => w.serverIndex))];
  type Unit = { cases: PlannedCase[]; work: W[]; size: number; order: number };
  const units: Unit[] = shardUnits(plan, Math.max(1, shard.count - alone.length)).map((cases) => ({
    cases,
    work: [],
    size: cases.length,
    order: cases[0]!.planIndex,
  }));
  for (const w of work) {
    if (!withCases.has(w.serverIndex)) continue;
    const mine = units.filter((u) => u.cases[0]!.serverIndex === w.serverIndex);
    const unit =
      mine.findLast((u) => u.cases.some((c) => policyName(c.policy) === policyName(w.policy))) ??
      mine.at(-1)!;
    unit.work.push(w);
    unit.size += weight(w);
  }
  for (const serverIndex of alone) {
    const ws = work.filter((w) => w.serverIndex === serverIndex);
    units.push({
      cases: [],
      work: ws,
      size: ws.reduce((n, w) => n + weight(w), 0),
      order: plan.length + serverIndex,
    });
  }
  const load = new Array<number>(shard.count).fill(0);
  const owner = new Map<Unit, number>();
  for (const u of [...units].sort((a, b) => b.size - a.size || a.order - b.order)) {
    const i = load.indexOf(Math.min(...load));
    owner.set(u, i);
    load[i]! += u.size;
  }
  const mine = units.filter((u) => owner.get(u) === shard.index - 1);
  return {
    cases: mine.flatMap((u) => u.cases).sort((a, b) => a.planIndex - b.planIndex),
    work: work.filter((w) => mine.some((u) => u.work.includes(w))),
  };
}

/** The plan cut into server instances (contiguous in plan order), then cut further up to `count` pieces. */
export function shardUnits(plan: readonly PlannedCase[], count: number): PlannedCase[][] {
  const units: PlannedCase[][] = [];
  for (const c of plan) {
    const last = units.at(-1);
    if (last && last[0]!.serverIndex === c.serverIndex) last.push(c);
    else units.push([c]);
  }
  while (units.length < count) {
    const biggest = units.reduce((a, b) => (b.length > a.length ? b : a), units[0] ?? []);
    const halves = splitUnit(biggest);
    if (!halves) break;
    units.splice(units.indexOf(biggest), 1, ...halves);
  }
  return units;
}

/** Two contiguous halves of one instance's cases, cut where a server reload happens anyway. */
function splitUnit(unit: readonly PlannedCase[]): [PlannedCase[], PlannedCase[]] | undefined {
  const cut = (key: (c: PlannedCase) => string): number | undefined => {
    const starts: number[] = [];
    unit.forEach((c, i) => {
      if (i > 0 && key(c) !== key(unit[i - 1]!)) starts.push(i);
    });
    if (starts.length === 0) return undefined;
    // The boundary nearest the middle.
    return starts.reduce((a, b) => (Math.abs(b - unit.length / 2) < Math.abs(a - unit.length / 2) ? b : a));
  };
  const at = cut((c) => policyName(c.policy)) ?? cut((c) => `${policyName(c.policy)}|${c.step.index}`);
  return at === undefined ? undefined : [unit.slice(0, at), unit.slice(at)];
}

/** Parse "i/n". */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && index <= count ? { index, count } : undefined;
}
