import type { RunRecord } from "../model/run-manifest.ts";
import { boundaryPointText, boundaryText, boundaryWidthText } from "./boundaries.ts";
import { formatBytes, formatInt, formatMs, outcomeText } from "./format.ts";
import * as phrase from "./phrases.ts";
import { type RunSummary, summarize } from "./summary.ts";

/**
 * The run as GitHub-flavoured markdown, sized for a pull-request comment: a verdict line, one
 * row per server × TLS version, a latency table, and a plain-words explanation of KB 2801679
 * failures when the run has any.
 */
export function markdownReport(run: RunRecord): string {
  const s = summarize(run);
  const out: string[] = [];
  const v = verdict(s);
  out.push(`## rootload: ${VERDICT_MARK[v.status]}${v.text}`, "");
  out.push(gist(s), "");
  out.push(runLine(run, s), "");
  out.push("### Servers", "", ...seriesTable(s), "");
  if (s.boundaries.length > 0) out.push("### Boundaries (bisected)", "", ...boundaryTable(s), "");
  const lat = latencyTable(s);
  if (!s.latencyMeasured) out.push("### Handshake latency", "", phrase.latencyNotMeasuredText(MD), "");
  else if (lat.length > 0)
    out.push("### Handshake latency (p50 / p99 by configured CA list size)", "", ...lat, "");
  if (s.issuerCuts.length > 0) out.push(...issuerSection(s), "");
  return `${out.join("\n").trimEnd()}\n`;
}

/** The verdict: pass/fail on expectations when the scenario had any, else a count of failed handshakes. */
export function verdict(s: RunSummary): { status: "pass" | "fail" | "info"; text: string } {
  const failedHandshakes = s.cases - s.byOutcome.ok;
  if (s.expectations.failed > 0)
    return {
      status: "fail",
      text: `FAIL: ${formatInt(s.expectations.failed)} of ${formatInt(s.expectations.total)} expectations failed (${formatInt(s.expectations.casesWithFailures)} of ${formatInt(s.cases)} cases)`,
    };
  // A run stopped early has judged only what it recorded: it says so rather than more.
  const soFar = s.complete ? "" : " so far";
  if (s.expectations.total > 0)
    return {
      status: "pass",
      text: `PASS${soFar}: all ${formatInt(s.expectations.total)} expectations held (${formatInt(failedHandshakes)} of ${formatInt(s.cases)} handshakes failed as expected)`,
    };
  if (s.expectations.declared > 0)
    return {
      status: "info",
      text: `${formatInt(failedHandshakes)} of ${formatInt(s.cases)} handshakes failed; none of the scenario's ${formatInt(s.expectations.declared)} expectations applies to ${s.cases === 1 ? "the case" : "the cases"} recorded${s.complete ? "" : " (the run stopped early)"}`,
    };
  return {
    status: "info",
    text: `${formatInt(failedHandshakes)} of ${formatInt(s.cases)} handshakes failed (no expectations set)`,
  };
}

const VERDICT_MARK = { pass: "✅ ", fail: "❌ ", info: "" } as const;

/** Markdown markup for the shared phrases. */
const MD: phrase.Markup = {
  strong: (t) => `**${t}**`,
  code: (t) => `\`${mdCode(t)}\``,
  good: (t) => `✅ ${t}`,
  bad: (t) => `❌ ${t}`,
  text: (t) => md(t),
};

function gist(s: RunSummary): string {
  const lines: string[] = [];
  if (s.firstFailure) {
    const f = s.firstFailure;
    lines.push(
      `First failure: **${md(f.series)}** at ${md(phrase.sizeText(f.at))}: \`${mdCode(outcomeText(f.outcome))}\`.`,
    );
  } else if (s.cases > 0) {
    lines.push(phrase.ALL_COMPLETED);
  }
  if (s.series.length > 0) lines.push(phrase.seriesFailedText(s));
  if (!s.complete)
    lines.push(`⚠️ **Incomplete run:** ${md(phrase.recordedText(s))}; figures cover only those.`);
  return lines.join(" ");
}

function runLine(run: RunRecord, s: RunSummary): string {
  const m = run.manifest;
  const servers = m.servers
    .map(
      (x) =>
        `${x.driver} (${Object.entries(x.versions)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`,
    )
    .join("; ");
  const rev = m.git ? ` · rev \`${mdCode(m.git.slice(0, 10))}\`` : "";
  const shard = m.shard ? ` · shard ${m.shard.index}/${m.shard.count}` : "";
  const merged = m.mergedFrom ? ` · merged from ${m.mergedFrom.length} runs` : "";
  const noLatency = s.latencyMeasured ? "" : " · latency not measured";
  return (
    `<sub>Run \`${mdCode(m.runId)}\` · scenario \`${mdCode(m.scenario.name)}\` (${md(m.scenario.file)}) · ${md(m.runtime)} · ` +
    `${formatInt(s.cases)} cases · node ${md(m.node)}, OpenSSL ${md(m.openssl)}${rev}${md(`${shard}${merged}${noLatency}`)} · ${md(servers)}</sub>`
  );
}

function seriesTable(s: RunSummary): string[] {
  const rows = [
    "| Server · TLS | Policy | Client | Largest list that worked | First failing size | Outcome there | Truncation (advertised < configured) | Client issuer |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const x of s.series) {
    const f = x.firstFailure;
    rows.push(
      `| ${md(`${x.server} TLS ${x.tls}`)} | ${md(x.policy)} | ${md(x.client)} | ${x.largestOk ? md(phrase.sizeText(x.largestOk)) : "none"} | ` +
        `${f ? md(phrase.sizeText(f)) : "none in range"} | ${f ? `\`${mdCode(outcomeText(f.outcome))}\`` : "—"} | ${phrase.truncationPhrase(x, MD)} | ${phrase.issuerPhrase(x.issuer, MD)} |`,
    );
  }
  return rows;
}

function boundaryTable(s: RunSummary): string[] {
  const rows = [
    "| Server · TLS | Policy | Client | Searched | Last before | First past | Outcome there | Width | Reloads |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const b of s.boundaries) {
    const unit = b.by === "names" ? "names" : "B";
    const past = b.firstPast;
    rows.push(
      `| ${md(`${b.server} TLS ${b.tls}`)} | ${md(b.policy)} | ${md(b.judged.join(", "))} | ` +
        `${formatInt(b.from)}..${formatInt(b.to)} ${unit}, until ${md(b.until)} | ` +
        `${b.lastBefore ? md(boundaryPointText(b.lastBefore)) : "none"} | ${past ? md(boundaryPointText(past)) : "none"} | ` +
        `${past ? `\`${mdCode(outcomeText(past.outcome))}\`` : "—"} | ${md(boundaryWidthText(b))} | ${md(formatInt(b.probes))} |`,
    );
  }
  rows.push(
    "",
    ...s.boundaries.map(
      (b) =>
        `- ${md(`${b.server} TLS ${b.tls} · ${b.policy} · ${b.judged.join(", ")}`)}: ${md(boundaryText(b))}`,
    ),
  );
  return rows;
}

function latencyTable(s: RunSummary): string[] {
  const withLatency = s.series.filter((x) => x.latency.length > 0);
  if (withLatency.length === 0) return [];
  const rows = [
    `| Configured list | ${withLatency.map((x) => md(x.label)).join(" | ")} |`,
    `|---:|${withLatency.map(() => "---:").join("|")}|`,
  ];
  for (const p of s.sizes) {
    const cells = withLatency.map((x) => {
      const l = x.latency.find((q) => q.bytes === p.bytes && q.count === p.count);
      if (!l) return "—";
      return `${l.p50Ms.toFixed(2)} / ${l.p99Ms.toFixed(2)}${l.includesProcessStart ? " (incl. process start)" : ""}`;
    });
    if (cells.every((c) => c === "—")) continue;
    rows.push(`| ${formatBytes(p.bytes)} (${formatInt(p.count)}) | ${cells.join(" | ")} |`);
  }
  rows.push(
    "",
    `<sub>Cells: p50 / p99 in ms; "—": the handshake failed or was not measured. Slowest p99: ${slowest(s)}.</sub>`,
  );
  return rows;
}

function slowest(s: RunSummary): string {
  let best: { label: string; ms: number; bytes: number } | null = null;
  for (const x of s.series)
    for (const l of x.latency)
      if (!best || l.p99Ms > best.ms) best = { label: x.label, ms: l.p99Ms, bytes: l.bytes };
  return best ? md(`${formatMs(best.ms)} (${best.label}, ${formatBytes(best.bytes)})`) : "n/a";
}

function issuerSection(s: RunSummary): string[] {
  const bySeries = new Map<string, typeof s.issuerCuts>();
  for (const c of s.issuerCuts) bySeries.set(c.seriesLabel, [...(bySeries.get(c.seriesLabel) ?? []), c]);
  const lines = [
    `### ${phrase.KB2801679_HEADING.replace("issuer-not-advertised", "`issuer-not-advertised`")}`,
    "",
    phrase.KB2801679_WHY,
    "",
  ];
  for (const [label, cuts] of bySeries)
    lines.push(`- **${md(label)}**: ${cuts.length} case(s), ${md(phrase.issuerCutText(cuts[0]!))}`);
  lines.push("", phrase.kb2801679Fix(MD));
  return lines;
}

/**
 * Run data as Markdown text: it stays text whatever it holds. Pipes and newlines would break a
 * table row; `*_~` emphasis, `[]` links and images (no `[`, no link), `<>` raw HTML (GitHub
 * renders some), backticks and `\\` are backslash-escaped; control characters dropped.
 */
function md(text: string): string {
  return (
    String(text)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "")
      .replace(/\r?\n/g, " ")
      .replace(/[\\`*_~[\]<>|]/g, "\\$&")
  );
}

/** Run data inside a `code span`: no escape works there, so a backtick becomes ' and pipes are escaped (tables). */
function mdCode(text: string): string {
  return (
    String(text)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "")
      .replace(/\r?\n/g, " ")
      .replace(/`/g, "'")
      .replace(/\|/g, "\\|")
  );
}
