import { expect } from "vitest";
import type { CaseResult } from "../model/case-result.ts";
import type { OutcomeClass } from "../model/outcome.ts";

/**
 * vitest matchers over case results, so a test can run a scenario and state what the wire
 * showed: `expect(c).toAdvertiseAll()`, `expect(c).toTruncateAt(16_384)`, `expect(c).toFailWith("server-alert")`.
 * Each accepts one case or a list (every case must match).
 */
interface CaseMatchers<R = unknown> {
  toAdvertiseAll(): R;
  toAdvertiseNone(): R;
  /** Advertised exactly the longest prefix fitting `bytes` (by the policy's intent) and no more. */
  toTruncateAt(bytes: number): R;
  toFailWith(cls: OutcomeClass, alert?: string): R;
  toSucceed(): R;
}

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: a merged declaration must repeat vitest's own `Matchers<T = any>`
  interface Matchers<T = any> extends CaseMatchers<T> {}
}

const list = (v: unknown): CaseResult[] => (Array.isArray(v) ? v : [v]) as CaseResult[];
const outcomeText = (c: CaseResult) =>
  c.outcome.class === "server-alert" ? `server-alert/${c.outcome.alert}` : c.outcome.class;

function check(received: unknown, test: (c: CaseResult) => string | null, what: string) {
  const bad = list(received)
    .map((c) => [c, test(c)] as const)
    .filter(([, why]) => why !== null);
  return {
    pass: bad.length === 0,
    message: () =>
      bad.length === 0
        ? `expected some case not to ${what}`
        : `expected every case to ${what}; ${bad.length} did not:\n${bad
            .slice(0, 10)
            .map(([c, why]) => `  ${c.id}: ${why}`)
            .join("\n")}`,
  };
}

expect.extend({
  toAdvertiseAll(received: unknown) {
    return check(
      received,
      (c) =>
        !c.advertised
          ? `no CertificateRequest (${c.probeOutcome.class})`
          : c.advertised.count - c.advertised.duplicates >= (c.configured?.names ?? c.configured?.count ?? 0)
            ? null
            : `advertised ${c.advertised.count - c.advertised.duplicates} of ${c.configured?.names ?? c.configured?.count ?? 0} names`,
      "advertise every configured name",
    );
  },
  toAdvertiseNone(received: unknown) {
    return check(
      received,
      (c) =>
        !c.advertised
          ? `no CertificateRequest (${c.probeOutcome.class})`
          : c.advertised.count === 0
            ? null
            : `advertised ${c.advertised.count} names`,
      "advertise an empty list",
    );
  },
  toTruncateAt(received: unknown, bytes: number) {
    return check(
      received,
      (c) => {
        if (!c.advertised) return `no CertificateRequest (${c.probeOutcome.class})`;
        if (c.advertised.bytes > bytes) return `advertised ${c.advertised.bytes} bytes, over ${bytes}`;
        if (!c.intended) return "the server was tested as configured (no intended list)";
        if (c.advertised.count !== c.intended.count || c.advertised.missing > 0)
          return `advertised ${c.advertised.count} names, the fitting prefix has ${c.intended.count}`;
        return null;
      },
      `truncate its list at ${bytes} bytes`,
    );
  },
  toFailWith(received: unknown, cls: OutcomeClass, alert?: string) {
    return check(
      received,
      (c) =>
        c.outcome.class === cls &&
        (alert === undefined || (c.outcome.class === "server-alert" && c.outcome.alert === alert))
          ? null
          : `outcome ${outcomeText(c)}`,
      `fail with ${cls}${alert ? `/${alert}` : ""}`,
    );
  },
  toSucceed(received: unknown) {
    return check(received, (c) => (c.outcome.class === "ok" ? null : `outcome ${outcomeText(c)}`), "succeed");
  },
});
