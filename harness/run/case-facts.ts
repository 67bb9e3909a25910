import type { CaseResult } from "../model/case-result.ts";
import { CA_LIST_LIMIT_BYTES } from "../model/limits.ts";
import type { ProbeResult } from "../probe/probe.ts";
import { intendedAdvertised } from "../roots/intended.ts";
import { type RootEntry, uniqueNames } from "../roots/root-store.ts";
import type { ServerSpec } from "../scenario/define-scenario.ts";
import { isAsConfigured } from "../scenario/server-rules.ts";
import { compareAdvertised } from "./compare-lists.ts";
import type { PlannedCase } from "./plan.ts";

/** What a case knows before any handshake: the store, what the policy intends, the issuer's place. */
export type CaseFacts = Pick<CaseResult, "configured" | "intended" | "limitHeadroomBytes" | "clientIssuer">;

/** The entries the policy intends to advertise; undefined when the server is tested as configured. */
export function intendedEntries(spec: ServerSpec, c: PlannedCase): readonly RootEntry[] | undefined {
  if (isAsConfigured(spec)) return undefined;
  return uniqueNames(intendedAdvertised(c.step.store, c.policy));
}

/**
 * The facts of a case. For an endpoint, configured list, intended list, headroom and issuer
 * position are absent (rootload does not know what it was given), not zero; for a template
 * without a policy only the intended list is absent.
 */
export function caseFacts(spec: ServerSpec, c: PlannedCase): CaseFacts {
  if (spec.driver === "endpoint") return {};
  const store = c.step.store;
  const intended = intendedEntries(spec, c);
  const names = uniqueNames(store.entries);
  return {
    configured: {
      count: store.count,
      caListBytes: store.caListBytes,
      names: names.length,
      wireBytes: names.reduce((n, e) => n + e.caNameBytes, 0),
    },
    ...(intended
      ? { intended: { count: intended.length, bytes: intended.reduce((n, e) => n + e.caNameBytes, 0) } }
      : {}),
    limitHeadroomBytes: CA_LIST_LIMIT_BYTES - store.caListBytes,
    clientIssuer: { position: c.step.clientIssuerPosition },
  };
}

/** Compare the probe's list with the case's store and intended list; keeps names for as-configured servers. */
export function advertisedFacts(
  spec: ServerSpec,
  c: PlannedCase,
  pr: ProbeResult,
  clientIssuerSubject: Uint8Array,
): Pick<CaseResult, "advertised" | "clientIssuerAdvertised"> {
  const cr = pr.certificateRequest;
  const intended = intendedEntries(spec, c);
  return compareAdvertised({
    ...(spec.driver === "endpoint" ? {} : { store: c.step.store }),
    ...(intended ? { intended } : {}),
    ...(cr ? { wire: cr.authorities.map((a) => a.der) } : {}),
    wireListBytes: cr?.authoritiesBytes ?? 0,
    messageBytes: cr?.messageBytes ?? 0,
    clientIssuerSubject,
    ...(cr && isAsConfigured(spec) ? { names: cr.authorities.map((a) => a.name) } : {}),
  });
}
