import type { CaseResult } from "../model/case-result.ts";
import type { RunRecord } from "../model/run-manifest.ts";
import { advertisedChart } from "./chart-advertised.ts";
import { failureMapChart } from "./chart-failure-map.ts";
import { latencyChart } from "./chart-latency.ts";
import { formatBytes, formatInt, outcomeDetail, outcomeText } from "./format.ts";
import { verdict } from "./markdown.ts";
import { OUTCOME_COLORS } from "./outcome-colors.ts";
import { type IssuerFate, type RunSummary, type Series, type SizePoint, summarize } from "./summary.ts";
import { el, text } from "./svg.ts";

/**
 * The run as one self-contained HTML page: inline CSS and SVG only, no script, no font, no
 * network, so it opens the same from a CI artifact, a mail attachment or an air-gapped host.
 */
export function htmlReport(run: RunRecord): string {
  const s = summarize(run);
  const m = run.manifest;
  const v = verdict(s);
  const body = [
    `<header><h1>rootload report <span class="scenario">${text(m.scenario.name)}</span></h1>`,
    `<p class="verdict ${v.status}">${text(v.text)}</p>`,
    `<p class="gist">${gist(s)}</p>`,
    meta(run, s),
    "</header>",
    section(
      "failure-map",
      "Failure map",
      "What each server did at each configured list size. Vertical lines: the byte sizes where Schannel truncates and where the TLS 16-bit length runs out.",
      failureMapChart(s),
    ),
    section(
      "advertised",
      "Advertised vs configured CA names",
      "x: configured CA list size (bytes); y: number of CA names. Where the solid line leaves the dashed one, the server sent fewer names than it holds; crosses: no list reached the client.",
      advertisedChart(s),
    ),
    section(
      "latency",
      "Handshake latency",
      "Full handshakes with a client certificate. x: configured CA list size (bytes); y: handshake time, p50 and p99 in ms.",
      latencyChart(s),
    ),
    section("servers", "Per server and TLS version", "", seriesTable(s)),
    s.issuerCuts.length > 0
      ? section("kb2801679", "Why issuer-not-advertised (KB 2801679)", "", issuerNote(s))
      : "",
    `<section id="cases"><details open><summary><h2>All cases (${formatInt(s.cases)})</h2></summary>${caseTable(run.cases)}</details></section>`,
  ].join("\n");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network, even by accident: the report must open offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>rootload · ${text(m.scenario.name)} · ${text(m.runId)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    `<body><main>${body}</main></body>`,
    "</html>",
    "",
  ].join("\n");
}

function section(id: string, heading: string, caption: string, content: string): string {
  return `<section id="${id}"><h2>${text(heading)}</h2>${caption ? `<p class="caption">${text(caption)}</p>` : ""}${content}</section>`;
}

function size(p: SizePoint): string {
  return `${formatInt(p.count)} names / ${formatBytes(p.bytes)}`;
}

function chip(c: Pick<CaseResult, "outcome">): string {
  const color = OUTCOME_COLORS[c.outcome.class];
  return `<span class="chip" style="background:${color.fill};color:${color.ink}">${text(outcomeText(c.outcome))}</span>`;
}

function gist(s: RunSummary): string {
  const parts: string[] = [];
  if (s.firstFailure)
    parts.push(
      `First failure: <b>${text(s.firstFailure.series)}</b> at ${text(size(s.firstFailure.at))}: ${chip(s.firstFailure)}.`,
    );
  else if (s.cases > 0) parts.push("Every handshake completed.");
  const failing = s.series.filter((x) => x.firstFailure).length;
  parts.push(
    text(`${failing} of ${s.series.length} server/TLS series failed somewhere in the tested range.`),
  );
  if (!s.complete)
    parts.push(
      `<b class="warn">Incomplete run: ${formatInt(s.cases)} of ${formatInt(s.plannedCases)} planned cases recorded.</b>`,
    );
  return parts.join(" ");
}

function meta(run: RunRecord, s: RunSummary): string {
  const m = run.manifest;
  const rows: [string, string][] = [
    ["Run", m.runId],
    ["Scenario", `${m.scenario.file} (${m.scenario.hash.slice(0, 19)}…)`],
    ["Started / ended", `${m.startedAt} / ${m.endedAt ?? "— (did not finish)"}`],
    [
      "Cases",
      `${formatInt(s.cases)} of ${formatInt(s.plannedCases)} planned${m.shard ? `, shard ${m.shard.index}/${m.shard.count}` : ""}${m.mergedFrom ? `, merged from ${m.mergedFrom.length} runs` : ""}`,
    ],
    [
      "Runtime",
      `${m.runtime}; harness node ${m.node}, OpenSSL ${m.openssl}${m.git ? `, rev ${m.git.slice(0, 10)}` : ""}`,
    ],
    [
      "Servers",
      m.servers
        .map(
          (x) =>
            `${x.driver} (${Object.entries(x.versions)
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")})`,
        )
        .join("; "),
    ],
  ];
  return `<dl class="meta">${rows.map(([k, v]) => `<dt>${text(k)}</dt><dd>${text(v)}</dd>`).join("")}</dl>`;
}

function truncation(x: Series): string {
  if (x.advertisesNothing) return "n/a (advertises nothing)";
  const t = x.truncation;
  if (!t) return x.cases.some((c) => c.advertised) ? "no" : "n/a (no request read)";
  return `yes, ${t.byPolicy ? "by policy" : "<b>by the server</b>"}, from ${formatInt(t.at.count)} names: ${formatInt(t.advertisedCount)} sent (${text(formatBytes(t.advertisedBytes))})`;
}

function issuer(f: IssuerFate): string {
  switch (f.kind) {
    case "survived":
      return '<span class="good">survived</span>';
    case "cut":
      return `<span class="bad">cut</span> from ${formatInt(f.at.count)} names on (issuer at position ${f.position ?? "?"}, ${formatInt(f.advertisedCount)} names sent)`;
    case "not-applicable":
      return "n/a";
  }
}

function seriesTable(s: RunSummary): string {
  const head = [
    "Server · TLS",
    "Policy",
    "Client",
    "Largest list that worked",
    "First failing size",
    "Outcome there",
    "Truncation",
    "Client issuer",
  ];
  const rows = s.series.map((x) => {
    const f = x.firstFailure;
    return [
      text(`${x.server} TLS ${x.tls}`),
      text(x.policy),
      text(x.client),
      x.largestOk ? text(size(x.largestOk)) : "none",
      f ? text(size(f)) : "none in range",
      f ? chip(f) : "—",
      truncation(x),
      issuer(x.issuer),
    ];
  });
  return table(head, rows, "series");
}

function issuerNote(s: RunSummary): string {
  const labels = [...new Set(s.issuerCuts.map((c) => c.seriesLabel))];
  const first = s.issuerCuts[0]!;
  return (
    `<div class="note"><p>The server sends, in its CertificateRequest, the CA names it accepts, and trims the list when it grows too long. ` +
    `The trim cut off the issuer of the client's certificate, so a client that picks its certificate from the advertised list had no certificate to offer ` +
    `and the handshake failed, although the server would have accepted the certificate.</p>` +
    `<p>Seen in ${formatInt(s.issuerCuts.length)} case(s) of ${labels.map((l) => `<b>${text(l)}</b>`).join(", ")}; first at ${text(size(first.at))}: ` +
    `client issuer at position ${first.position ?? "?"}, only ${formatInt(first.advertisedCount)} names (${text(formatBytes(first.advertisedBytes))}) advertised.</p>` +
    `<p><b>Fix:</b> advertise nothing (Windows <code>SendTrustedIssuerList=0</code>; OpenSSL servers <code>Options -CANames</code>, ` +
    `<code>s_server -no_ca_names</code>, HAProxy <code>no-ca-names</code>) or advertise a smaller list that contains the client's issuer ` +
    `(nginx <code>ssl_trusted_certificate</code>, Apache <code>SSLCADNRequestFile</code>, HAProxy <code>ca-verify-file</code>).</p></div>`
  );
}

function caseTable(cases: CaseResult[]): string {
  const head = [
    "Server · TLS",
    "Policy",
    "Client",
    "Step",
    "Configured",
    "Advertised",
    "Issuer",
    "Outcome",
    "p50 ms",
    "p99 ms",
    "Expectations",
  ];
  const rows = cases.map((c) => {
    const failed = (c.expectations ?? []).filter((e) => !e.pass);
    const detail = outcomeDetail(c.outcome);
    return [
      `<span title="case ${text(c.id)}">${text(`${c.server} TLS ${c.tls}`)}</span>`,
      text(c.policy),
      text(c.client),
      text(c.step.label),
      text(`${formatInt(c.configured.count)} / ${formatBytes(c.configured.caListBytes)}`),
      c.advertised ? text(`${formatInt(c.advertised.count)} / ${formatBytes(c.advertised.bytes)}`) : "—",
      c.clientIssuerAdvertised === null
        ? "—"
        : c.clientIssuerAdvertised
          ? "yes"
          : '<span class="bad">no</span>',
      chip(c) + (detail ? `<div class="detail">${text(detail)}</div>` : ""),
      c.latency ? c.latency.p50Ms.toFixed(2) : "—",
      c.latency ? c.latency.p99Ms.toFixed(2) : "—",
      failed.length > 0
        ? failed.map((e) => `<span class="bad">✗ ${text(e.expect)}</span>: ${text(e.message)}`).join("<br>")
        : c.expectations?.length
          ? `<span class="good">✓ ${c.expectations.length}</span>`
          : "—",
    ];
  });
  return table(head, rows, "cases");
}

function table(head: string[], rows: string[][], cls: string): string {
  return el(
    "table",
    { class: cls },
    `<thead><tr>${head.map((h) => `<th>${text(h)}</th>`).join("")}</tr></thead>` +
      `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody>`,
  );
}

const CSS = `
:root { color-scheme: light; --ink: #1e293b; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
header { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px; margin-bottom: 18px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h1 .scenario { color: var(--muted); font-weight: 500; }
h2 { font-size: 17px; margin: 0 0 4px; display: inline-block; }
.verdict { font-size: 16px; font-weight: 600; padding: 8px 12px; border-radius: 8px; margin: 6px 0; }
.verdict.fail { background: #fdecea; color: #9b1c1c; border: 1px solid #f5c2bd; }
.verdict.pass { background: #e8f6ee; color: #166534; border: 1px solid #b7e4c7; }
.verdict.info { background: #eff6ff; color: #1e3a8a; border: 1px solid #bfdbfe; }
.gist { margin: 8px 0; }
.warn { color: #b45309; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0 0; font-size: 12.5px; color: var(--muted); }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 22px 18px; margin-bottom: 18px; }
.caption { color: var(--muted); margin: 0 0 12px; font-size: 13px; }
svg { display: block; overflow: visible; font-family: inherit; }
svg .panel-bg { fill: #fbfcfe; stroke: var(--line); }
svg .panel-title { font-size: 12.5px; font-weight: 600; fill: var(--ink); }
svg .grid { stroke: #edf1f6; }
svg .axis { stroke: #94a3b8; }
svg .tick { font-size: 10.5px; fill: var(--muted); }
svg .legend { font-size: 11.5px; fill: #334155; }
svg .threshold { stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .threshold-label { font-size: 10.5px; font-weight: 600; }
svg .configured-line { fill: none; stroke: #94a3b8; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .advertised-line { fill: none; stroke: #1d4ed8; stroke-width: 2; }
svg .cross { stroke-width: 2.2; fill: none; }
svg circle.mark, svg .dot { stroke: #fff; stroke-width: 1; }
svg .lat-line { fill: none; stroke-width: 2; }
svg .lat-line.p99 { stroke-dasharray: 5 3; stroke-width: 1.4; opacity: .7; }
svg circle.mark.p99 { stroke-width: 1.3; }
svg .col-head { font-size: 11.5px; font-weight: 600; fill: var(--ink); }
svg .row-head { font-size: 12px; fill: var(--ink); }
svg .cell-text { font-size: 11px; font-weight: 600; }
svg .cell-note { font-size: 9.5px; opacity: .92; }
svg .cell-empty { fill: #f1f5f9; stroke: #cbd5e1; stroke-dasharray: 3 2; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f1f5f9; font-weight: 600; position: sticky; top: 0; }
td:first-child, table.cases td:nth-child(n+5):nth-child(-n+7), table.cases td:nth-child(n+9):nth-child(-n+10) { white-space: nowrap; }
table.cases td:nth-child(n+9):nth-child(-n+10), table.cases th:nth-child(n+9):nth-child(-n+10) { text-align: right; font-variant-numeric: tabular-nums; }
table.cases tbody tr:nth-child(even) { background: #fbfcfe; }
.chip { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 11.5px; font-weight: 600; white-space: nowrap; }
.detail { color: var(--muted); font-size: 11px; margin-top: 2px; max-width: 320px; }
.good { color: #15803d; font-weight: 600; } .bad { color: #b91c1c; font-weight: 600; }
.note { background: #fffbeb; border: 1px solid #fde68a; border-radius: 8px; padding: 4px 14px; }
code { font-size: 12px; background: #f1f5f9; padding: 0 3px; border-radius: 3px; }
details > summary { cursor: pointer; list-style: none; }
details > summary::-webkit-details-marker { display: none; }
`;
