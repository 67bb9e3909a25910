import { formatBytes, formatInt } from "./format.ts";
import type { IssuerCut, IssuerFate, RunSummary, Series, SizePoint } from "./summary.ts";

/**
 * The report's wording, once: the markdown and HTML renderers format these phrases with their
 * own markup (a `Markup`), so the two reports cannot drift apart in what they say.
 */
export interface Markup {
  strong(text: string): string;
  code(text: string): string;
  /** A good or a bad verdict word ("survived", "cut"). */
  good(text: string): string;
  bad(text: string): string;
  /** Plain text from run data, escaped for the format (every value a run folder supplies). */
  text(text: string): string;
}

/** "144 names / 18,377 B", and for a wire-bytes step "… (65,535 B on the wire)" */
export function sizeText(p: SizePoint): string {
  const wire = p.wireBytes !== undefined ? ` (${formatBytes(p.wireBytes)} on the wire)` : "";
  return `${formatInt(p.count)} names / ${formatBytes(p.bytes)}${wire}`;
}

export const ALL_COMPLETED = "Every handshake completed.";

/** What a functional-only run's reports say where the latency figures would be. */
export function latencyNotMeasuredText(m: Markup): string {
  return `${m.strong("Not measured")}: this was a functional-only run (${m.code("rootload run --no-latency")} or scenario ${m.code("latency: false")}). Outcomes, lists and sizes are complete; no case has a latency figure.`;
}

/** "7 of 9 server/TLS series failed somewhere in the tested range." */
export function seriesFailedText(s: RunSummary): string {
  const failing = s.series.filter((x) => x.firstFailure).length;
  return `${failing} of ${s.series.length} server/TLS series failed somewhere in the tested range.`;
}

/** "30 of 40 planned cases recorded" */
export function recordedText(s: RunSummary): string {
  const searches = s.plannedBisects
    ? ` (and cases of ${formatInt(s.boundaries.length)} of ${formatInt(s.plannedBisects)} bisected searches)`
    : "";
  return `${formatInt(s.cases - s.boundaries.reduce((n, b) => n + b.cases, 0))} of ${formatInt(s.plannedCases)} planned cases recorded${searches}`;
}

/** Whether and how the advertised list was shorter than the configured one. */
export function truncationPhrase(x: Series, m: Markup): string {
  if (x.advertisesNothing) return "n/a (advertises nothing)";
  const t = x.truncation;
  if (!t) return x.cases.some((c) => c.advertised) ? "no" : "n/a (no request read)";
  const why = t.byPolicy ? "by policy" : m.strong("by the server");
  return `yes, ${why}, ${m.text(`from ${formatInt(t.at.count)} names: ${formatInt(t.advertisedCount)} sent (${formatBytes(t.advertisedBytes)})`)}`;
}

/** What happened to the client's issuer along the series. */
export function issuerPhrase(f: IssuerFate, m: Markup): string {
  switch (f.kind) {
    case "survived":
      return m.good("survived");
    case "cut":
      return `${m.bad("cut")} ${m.text(`from ${formatInt(f.at.count)} names on (issuer at position ${f.position ?? "?"}, ${formatInt(f.advertisedCount)} names sent)`)}`;
    case "not-applicable":
      return "n/a";
  }
}

export const KB2801679_HEADING = "Why issuer-not-advertised (KB 2801679)";

/** The plain-words explanation of an issuer cut off the advertised list. */
export const KB2801679_WHY =
  "The server sends, in its CertificateRequest, the list of CA names it accepts, and trims that list when " +
  "it grows too long. The trim cut off the issuer of the client's certificate. A client that picks its " +
  "certificate from the advertised list (as Windows clients of the KB 2801679 / KB 933430 era do) then had " +
  "no matching certificate to offer, so it sent none and the handshake failed, even though the server " +
  "would have accepted the certificate.";

/** Where one series' issuer was first cut off. */
export function issuerCutText(first: IssuerCut): string {
  return (
    `from ${sizeText(first.at)}: client issuer at position ${first.position ?? "?"}, ` +
    `only ${formatInt(first.advertisedCount)} names (${formatBytes(first.advertisedBytes)}) advertised.`
  );
}

/** The fix, with the servers' own option names as code. */
export function kb2801679Fix(m: Markup): string {
  const c = m.code;
  return (
    `${m.strong("Fix:")} advertise nothing — Windows ${c("SendTrustedIssuerList=0")}; OpenSSL servers ${c("Options -CANames")} ` +
    `(nginx ${c("ssl_conf_command")}, Apache ${c("SSLOpenSSLConfCmd")}), ${c("s_server -no_ca_names")}, HAProxy ${c("no-ca-names")} — ` +
    `or advertise a smaller list that contains the client's issuer (nginx ${c("ssl_trusted_certificate")}, Apache ` +
    `${c("SSLCADNRequestFile")}, HAProxy ${c("ca-verify-file")}).`
  );
}
