import type { WatchPlan } from "./load-targets.ts";
import type { Series } from "./watch-state.ts";

/**
 * The JSON view of the last results (`GET /results`, `watch --once --json`): per target and TLS
 * version, the last probe and what it saw, the clients' verdicts, and the last list change.
 */
export function resultsJson(plan: WatchPlan, series: readonly Series[]): Record<string, unknown> {
  return {
    file: plan.file,
    generatedAt: new Date().toISOString(),
    targets: plan.targets.map((t) => ({
      name: t.name,
      address: t.address,
      expect: t.expect,
      intervalSeconds: t.intervalMs / 1000,
      timeoutSeconds: t.timeoutMs / 1000,
      results: t.tls.map((tls) => {
        const s = series.find((x) => x.target === t.name && x.tls === tls);
        if (!s) return { tls, probed: false };
        const o = s.last;
        return {
          tls,
          probed: true,
          at: new Date(o.at).toISOString(),
          durationMs: o.durationMs,
          success: o.success,
          outcome: o.outcome,
          ...(o.stranger ? { stranger: o.stranger } : {}),
          list: o.list
            ? {
                names: o.list.keys.length,
                bytes: o.list.bytes,
                messageBytes: o.list.messageBytes,
                fingerprint: o.list.fingerprint,
                ...(o.list.omitted ? { omitted: true } : {}),
                subjects: o.list.names,
              }
            : null,
          issuers: o.issuers,
          clients: o.clients.map((c) => ({
            client: c.client,
            verdict: c.verdict,
            accepts: c.verdict === "accepts",
            marginBytes: c.marginBytes,
            reason: c.reason,
          })),
          probes: s.probes,
          changes: s.changes,
          lastChange:
            s.lastChange && s.lastChangeAt !== undefined
              ? {
                  at: new Date(s.lastChangeAt).toISOString(),
                  added: s.lastChange.added,
                  removed: s.lastChange.removed,
                  reordered: s.lastChange.reordered,
                  before: s.lastChange.before,
                }
              : null,
        };
      }),
    })),
  };
}
