import { InputError } from "../errors.ts";
import { type ClientSpec, clientSpec } from "../model/client-spec.ts";
import type { ClientName, DriverName } from "../model/names.ts";
import { type IssuerPolicy, parsePolicy, policyName } from "../model/policy.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { RootStore } from "../roots/root-store.ts";
import type { Scenario } from "../scenario/define-scenario.ts";

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
  /** Index of the server in scenario.servers (one server instance per index). */
  serverIndex: number;
  driver: DriverName;
  /** The server's issuer-list policy, parsed once here. */
  policy: IssuerPolicy;
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
const CLIENT_TLS: Record<ClientName, readonly TlsVersion[]> = {
  node: ["1.2", "1.3"],
  openssl: ["1.2", "1.3"],
  gnutls: ["1.2", "1.3"],
  forge: ["1.2"],
  java: ["1.2", "1.3"],
  go: ["1.2", "1.3"],
  python: ["1.2", "1.3"],
  curl: ["1.2", "1.3"],
};

/**
 * The case matrix in execution order: per server, per policy, per step (so one server instance
 * is reloaded along the series), per TLS version, per client. Ids are stable across runs of the
 * same scenario, which is what resume and merge match on.
 */
export function planCases(scenario: Scenario, steps: readonly RootStep[]): PlannedCase[] {
  const clients = (scenario.clients ?? ["node"]).map(clientSpec);
  const out: PlannedCase[] = [];
  const seen = new Map<string, number>();
  scenario.servers.forEach((s, serverIndex) => {
    const n = seen.get(s.driver) ?? 0;
    seen.set(s.driver, n + 1);
    const serverKey = n === 0 ? s.driver : `${s.driver}#${n + 1}`;
    const policies = [s.policy ?? "all"].flat().map((text, i) => {
      const parsed = parsePolicy(text);
      if (!parsed) throw new InputError(`servers[${serverIndex}].policy[${i}]`, `"${text}" is not a policy`);
      return parsed;
    });
    const versions = s.tls ?? ["1.2", "1.3"];
    const only = s.steps ? new Set(s.steps) : undefined;
    for (const policy of policies)
      for (const step of steps)
        for (const tls of only && !only.has(step.label) ? [] : versions)
          for (const client of clients) {
            if (!CLIENT_TLS[client.name].includes(tls)) continue;
            out.push({
              id: `${serverKey}|${policyName(policy)}|${step.label}|tls${tls}|${client.label}`,
              serverIndex,
              driver: s.driver,
              policy,
              step,
              tls,
              client: client.label,
              clientSpec: client,
            });
          }
  });
  return out;
}

/** The slice of the plan that shard i of n runs (round-robin by position, 1-based i). */
export function shardOf<T>(plan: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...plan];
  return plan.filter((_, i) => i % shard.count === shard.index - 1);
}

/** Parse "i/n". */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && index <= count ? { index, count } : undefined;
}
