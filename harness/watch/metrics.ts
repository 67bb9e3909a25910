import { OUTCOME_CLASSES, type OutcomeClass } from "../model/outcome.ts";
import type { MetricFamily, Sample } from "./exposition.ts";
import type { Series } from "./watch-state.ts";

/**
 * The metric names and labels dashboards and alerts rely on (issue 26): `target` is the target's
 * name, `tls` 1.2 or 1.3, `client` a client stack of the limits table, `issuer` the issuer's
 * subject as `rootload check` prints it (RFC 4514). Series about the list (names, bytes, issuers,
 * clients) are present only while the last probe read a CertificateRequest.
 */
export const METRICS = {
  rootload_probe_success:
    "1 when the target behaved as expected (a CertificateRequest read, or a stranger refused for expect: refused)",
  rootload_probe_duration_seconds: "How long the last probe took (seconds)",
  rootload_probe_outcome: "The last probe's outcome class: 1 for the current class, 0 for the others",
  rootload_advertised_names: "CA names in the last CertificateRequest",
  rootload_advertised_bytes: "certificate_authorities length in the last CertificateRequest (bytes)",
  rootload_certificate_request_bytes: "The last CertificateRequest message, 4-byte header included (bytes)",
  rootload_list_fingerprint_info:
    "SHA-256 of the advertised list (each name with its 2-byte length, wire order), as a label",
  rootload_list_changes_total: "Times the advertised list changed (names added, removed or reordered)",
  rootload_list_last_change_timestamp_seconds:
    "When the list last changed (Unix time, seconds); absent until it does",
  rootload_issuer_advertised: "1 when the expected issuer is in the last CertificateRequest",
  rootload_issuer_position: "The expected issuer's position in the list, from 1; absent when not advertised",
  rootload_client_accepts:
    "1 when the named client is predicted to accept what was seen (rootload check's limits table)",
  rootload_client_margin_bytes:
    "The client's limit minus what it received (bytes; negative past it); absent when it has no size limit",
  rootload_probes_total: "Probes made of this target on this TLS version since the watcher started",
} as const;

export type MetricName = keyof typeof METRICS;

const TYPES: Partial<Record<MetricName, "counter">> = {
  rootload_list_changes_total: "counter",
  rootload_probes_total: "counter",
};

/** Classes a probe can end in (the others belong to clients and runs). */
export const PROBE_CLASSES: readonly OutcomeClass[] = OUTCOME_CLASSES.filter(
  (c) => c !== "issuer-not-advertised" && c !== "client-unavailable",
);

/** Every metric family for the series as they stand. */
export function metricFamilies(series: readonly Series[]): MetricFamily[] {
  const samples = new Map<MetricName, Sample[]>(Object.keys(METRICS).map((n) => [n as MetricName, []]));
  const add = (name: MetricName, labels: Record<string, string>, value: number) =>
    samples.get(name)!.push({ labels, value });
  for (const s of series) {
    const o = s.last;
    const base = { target: s.target, tls: s.tls };
    add("rootload_probe_success", base, o.success ? 1 : 0);
    add("rootload_probe_duration_seconds", base, o.durationMs / 1000);
    for (const c of PROBE_CLASSES)
      add("rootload_probe_outcome", { ...base, class: c }, o.outcome.class === c ? 1 : 0);
    add("rootload_probes_total", base, s.probes);
    add("rootload_list_changes_total", base, s.changes);
    if (s.lastChangeAt !== undefined)
      add("rootload_list_last_change_timestamp_seconds", base, s.lastChangeAt / 1000);
    if (!o.list) continue;
    add("rootload_advertised_names", base, o.list.keys.length);
    add("rootload_advertised_bytes", base, o.list.bytes);
    add("rootload_certificate_request_bytes", base, o.list.messageBytes);
    add("rootload_list_fingerprint_info", { ...base, fingerprint: o.list.fingerprint }, 1);
    for (const i of o.issuers) {
      add("rootload_issuer_advertised", { ...base, issuer: i.subject }, i.advertised ? 1 : 0);
      if (i.position !== null) add("rootload_issuer_position", { ...base, issuer: i.subject }, i.position);
    }
    for (const c of o.clients) {
      add("rootload_client_accepts", { ...base, client: c.client }, c.verdict === "accepts" ? 1 : 0);
      if (c.marginBytes !== null)
        add("rootload_client_margin_bytes", { ...base, client: c.client }, c.marginBytes);
    }
  }
  return [...samples].map(([name, s]) => ({
    name,
    help: METRICS[name],
    type: TYPES[name] ?? "gauge",
    samples: s,
  }));
}
