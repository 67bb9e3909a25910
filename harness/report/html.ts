import type { CaseResult } from "../model/case-result.ts";
import type { RunRecord } from "../model/run-manifest.ts";
import { boundaryPointText, boundaryWidthText } from "./boundaries.ts";
import { advertisedChart } from "./chart-advertised.ts";
import { clientMapChart, failureMapChart } from "./chart-failure-map.ts";
import { latencyChart } from "./chart-latency.ts";
import { formatBytes, formatInt, outcomeDetail, outcomeText } from "./format.ts";
import { verdict } from "./markdown.ts";
import { OUTCOME_COLORS } from "./outcome-colors.ts";
import * as phrase from "./phrases.ts";
import { type RunSummary, summarize } from "./summary.ts";
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
    new Set(run.cases.map((c) => c.client)).size > 1
      ? section(
          "client-map",
          "Client map",
          "Which client breaks first as the list grows: one row per client, the first to fail on top. Column sizes are the CertificateRequest body each client received (msg) or, where none was read, the configured list. Vertical lines: Java's default 32,768-byte limit and the 65,535-byte TLS length.",
          clientMapChart(s),
        )
      : "",
    section(
      "advertised",
      "Advertised vs configured CA names",
      (s.sizes.some((p) => p.onWire)
        ? "x: configured CA list size (bytes), or for an endpoint, which has none, the list it advertised; "
        : "x: configured CA list size (bytes); ") +
        "y: number of CA names. Where the solid line leaves the dashed one, the server sent fewer names than it holds; crosses: no list reached the client.",
      advertisedChart(s),
    ),
    s.latencyMeasured
      ? section(
          "latency",
          "Handshake latency",
          "Full handshakes with a client certificate. x: configured CA list size (bytes); y: handshake time, p50 and p99 in ms.",
          latencyChart(s),
        )
      : section("latency", "Handshake latency", "", `<p>${phrase.latencyNotMeasuredText(HTML)}</p>`),
    section("servers", "Per server and TLS version", "", seriesTable(s)),
    s.boundaries.length > 0
      ? section(
          "boundaries",
          "Boundaries (bisected)",
          "Each search grew the list between two sizes, reloading the server at every midpoint, until the last size before the boundary and the first past it were one unit apart. Message: the CertificateRequest as read, 4-byte header included.",
          boundaryTable(s),
        )
      : "",
    s.issuerCuts.length > 0 ? section("kb2801679", phrase.KB2801679_HEADING, "", issuerNote(s)) : "",
    `<section id="cases"><details open><summary><h2>All cases (${formatInt(s.cases)})</h2></summary>${caseTable(run.cases, s.latencyMeasured)}</details></section>`,
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

/** HTML markup for the shared phrases. */
const HTML: phrase.Markup = {
  strong: (t) => `<b>${text(t)}</b>`,
  code: (t) => `<code>${text(t)}</code>`,
  good: (t) => `<span class="good">${text(t)}</span>`,
  bad: (t) => `<span class="bad">${text(t)}</span>`,
  text: (t) => text(t),
};

function chip(c: Pick<CaseResult, "outcome">): string {
  const color = OUTCOME_COLORS[c.outcome.class];
  return `<span class="chip" style="background:${color.fill};color:${color.ink}">${text(outcomeText(c.outcome))}</span>`;
}

function gist(s: RunSummary): string {
  const parts: string[] = [];
  if (s.firstFailure)
    parts.push(
      `First failure: <b>${text(s.firstFailure.series)}</b> at ${text(phrase.sizeText(s.firstFailure.at))}: ${chip(s.firstFailure)}.`,
    );
  else if (s.cases > 0) parts.push(phrase.ALL_COMPLETED);
  parts.push(text(phrase.seriesFailedText(s)));
  if (!s.complete) parts.push(`<b class="warn">Incomplete run: ${text(phrase.recordedText(s))}.</b>`);
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
      x.largestOk ? text(phrase.sizeText(x.largestOk)) : "none",
      f ? text(phrase.sizeText(f)) : "none in range",
      f ? chip(f) : "—",
      phrase.truncationPhrase(x, HTML),
      phrase.issuerPhrase(x.issuer, HTML),
    ];
  });
  return table(head, rows, "series");
}

function boundaryTable(s: RunSummary): string {
  const head = [
    "Server · TLS",
    "Policy",
    "Client",
    "Searched",
    "Last before",
    "First past",
    "Outcome there",
    "Width",
    "Reloads",
  ];
  const rows = s.boundaries.map((b) => [
    text(`${b.server} TLS ${b.tls}`),
    text(b.policy),
    text(b.judged.join(", ")),
    text(`${formatInt(b.from)}..${formatInt(b.to)} ${b.by === "names" ? "names" : "B"}, until ${b.until}`),
    b.lastBefore ? text(boundaryPointText(b.lastBefore)) : "none",
    b.firstPast ? text(boundaryPointText(b.firstPast)) : "none",
    b.firstPast ? chip(b.firstPast) : "—",
    text(boundaryWidthText(b)),
    text(formatInt(b.probes)),
  ]);
  return table(head, rows, "boundaries");
}

function issuerNote(s: RunSummary): string {
  const labels = [...new Set(s.issuerCuts.map((c) => c.seriesLabel))];
  return (
    `<div class="note"><p>${text(phrase.KB2801679_WHY)}</p>` +
    `<p>Seen in ${formatInt(s.issuerCuts.length)} case(s) of ${labels.map((l) => `<b>${text(l)}</b>`).join(", ")}; first ${text(phrase.issuerCutText(s.issuerCuts[0]!))}</p>` +
    `<p>${phrase.kb2801679Fix(HTML)}</p></div>`
  );
}

/** Without latency columns in a functional-only run: an empty cell there would read as a failed sample. */
function caseTable(cases: CaseResult[], latencyMeasured: boolean): string {
  const head = [
    "Server · TLS",
    "Policy",
    "Client",
    "Step",
    "Configured",
    "Advertised",
    "Issuer",
    "Outcome",
    ...(latencyMeasured ? ["p50 ms", "p99 ms"] : []),
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
      c.configured
        ? text(`${formatInt(c.configured.count)} / ${formatBytes(c.configured.caListBytes)}`)
        : '<span title="an endpoint: rootload does not know what it was given">—</span>',
      c.advertised ? text(`${formatInt(c.advertised.count)} / ${formatBytes(c.advertised.bytes)}`) : "—",
      c.clientIssuerAdvertised === null
        ? "—"
        : c.clientIssuerAdvertised
          ? "yes"
          : '<span class="bad">no</span>',
      chip(c) + (detail ? `<div class="detail">${text(detail)}</div>` : ""),
      ...(latencyMeasured
        ? [
            c.latency ? c.latency.p50Ms.toFixed(2) + processMark(c.latency) : "—",
            c.latency ? c.latency.p99Ms.toFixed(2) + processMark(c.latency) : "—",
          ]
        : []),
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

/** A latency figure that counts the client's process start says so beside the number. */
function processMark(l: NonNullable<CaseResult["latency"]>): string {
  return l.clock === "process"
    ? ' <span class="detail" title="timed from starting the client process">(incl. process start)</span>'
    : "";
}
