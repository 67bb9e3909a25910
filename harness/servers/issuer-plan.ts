import type { IssuerPolicy } from "../model/policy.ts";
import { intendedAdvertised } from "../roots/intended.ts";
import type { RootEntry, RootStore } from "../roots/root-store.ts";

/**
 * How a policy maps onto the two lists an OpenSSL-style server can hold: the names it
 * advertises and the anchors it verifies against. `truncate-bytes` and `explicit` both become
 * `subset`; a subset that is empty is `none` (several servers refuse an empty request file) and a
 * subset that is the whole store is `all`.
 */
export type IssuerPlan =
  | { mode: "all"; verify: readonly RootEntry[] }
  | { mode: "none"; verify: readonly RootEntry[] }
  | {
      mode: "subset";
      verify: readonly RootEntry[];
      advertise: readonly RootEntry[];
      rest: readonly RootEntry[];
    };

/** The files every driver can point at, by name inside the server's directory. */
export const ISSUER_FILES = { verify: "store.pem", advertise: "advertise.pem", rest: "rest.pem" } as const;

export function planIssuers(store: RootStore, policy: IssuerPolicy): IssuerPlan {
  // With the issuer placed, "all" is the store reordered or without the issuer: a subset or an order of its own.
  if (policy.kind === "all" && policy.issuer === undefined) return { mode: "all", verify: store.entries };
  if (policy.kind === "none") return { mode: "none", verify: store.entries };
  const advertise = intendedAdvertised(store, policy);
  const chosen = new Set(advertise.map((e) => e.sha256));
  // Advertised entries come from the store (intendedAdvertised), so the store is what is verified.
  const verify = store.entries;
  const rest = verify.filter((e) => !chosen.has(e.sha256));
  if (advertise.length === 0) return { mode: "none", verify };
  if (rest.length === 0) return { mode: "all", verify: advertise };
  return { mode: "subset", verify, advertise, rest };
}

/** The entries the plan advertises, in file order. */
export function plannedAdvertised(plan: IssuerPlan): readonly RootEntry[] {
  return plan.mode === "all" ? plan.verify : plan.mode === "none" ? [] : plan.advertise;
}

/** PEM bundles for the plan, keyed by ISSUER_FILES names (empty files are still written). */
export function issuerFiles(plan: IssuerPlan): Record<string, string> {
  const pem = (es: readonly RootEntry[]) => es.map((e) => e.toPem()).join("");
  return {
    [ISSUER_FILES.verify]: pem(plan.verify),
    [ISSUER_FILES.advertise]: pem(plannedAdvertised(plan)),
    [ISSUER_FILES.rest]: plan.mode === "subset" ? pem(plan.rest) : "",
  };
}
