import { expect } from "vitest";
import type { CaseResult } from "../../harness/model/case-result.ts";

/**
 * The limit series a user's server (template, image) runs beside rootload's own config of the same
 * server: the Mozilla roots at 40 names, then at 65,481 B (every name fits) and 65,536 B (past
 * OpenSSL's limit), each on TLS 1.2 and 1.3 with the node and openssl clients.
 */
export const LIMIT_SERIES = {
  roots: {
    source: { kind: "certdata", path: "mozilla:2026-04-16" },
    sizes: [40],
    bytes: [65_481, 65_536],
    topUpSynthetic: true,
  },
  clients: ["node", "openssl"],
  // Lists and outcomes are compared, never latency.
  latency: false,
  expect: [
    { when: { maxBytes: 65_481 }, outcome: "ok", advertises: "all", clientIssuerAdvertised: true },
    { when: { minBytes: 65_536 }, outcome: "server-alert", alert: "internal_error" },
  ],
};

/** Cases of one series: 3 steps × 2 TLS versions × 2 clients. */
const SERIES_CASES = 12;

/** What must match between a user's server and rootload's own config of it. */
export const seen = (c: CaseResult) => ({
  outcome: c.outcome.class === "server-alert" ? `server-alert ${c.outcome.alert}` : c.outcome.class,
  count: c.advertised?.count ?? null,
  bytes: c.advertised?.bytes ?? null,
  fingerprint: c.advertised?.fingerprint ?? null,
  clientIssuerAdvertised: c.clientIssuerAdvertised,
});

/**
 * For each [user's, rootload's] pair of server instances: the same advertised lists and outcomes,
 * case by case, and the series really reached the limit (more than 500 names at 65,481 B).
 * `also` checks more of each pair of cases.
 */
export function expectSameAsOwn(
  all: readonly CaseResult[],
  pairs: readonly (readonly [string, string])[],
  also?: (mine: CaseResult, own: CaseResult) => void,
): void {
  const key = (c: CaseResult) => `${c.step.label}|${c.tls}|${c.client}`;
  for (const [user, own] of pairs) {
    const mine = all.filter((c) => c.id.startsWith(`${user}|`));
    const theirs = new Map(all.filter((c) => c.id.startsWith(`${own}|`)).map((c) => [key(c), c]));
    expect(mine).toHaveLength(SERIES_CASES);
    for (const c of mine) {
      const ref = theirs.get(key(c))!;
      expect(seen(c), `${c.id} vs ${own}`).toEqual(seen(ref));
      also?.(c, ref);
    }
    expect(mine.find((c) => c.step.label === "65481 B")?.advertised?.count).toBeGreaterThan(500);
  }
}
