import type { AdvertisedFigures, CaseDifference, RunComparison, Severity } from "./compare.ts";
import { formatBytes, formatInt, formatMs, formatPct, outcomeText } from "./format.ts";

/** `rootload compare`'s markdown (for a PR comment): the rendering of a {@link RunComparison}. */

const MARK: Record<Severity, string> = { regression: "❌", improvement: "✅", change: "ℹ️" };

function advText(f: AdvertisedFigures, issuer: boolean | null): string {
  const parts = [`${formatInt(f.count)} names / ${formatBytes(f.bytes)}`];
  if (f.missing) parts.push(`${formatInt(f.missing)} missing`);
  if (f.extra) parts.push(`${formatInt(f.extra)} extra`);
  if (issuer !== null) parts.push(issuer ? "issuer advertised" : "issuer cut");
  return parts.join(", ");
}

/** "; removed: CN=a, CN=b; added: CN=c" (at most 5 of each, then a count). */
function namesText(added: string[] | undefined, removed: string[] | undefined): string {
  const few = (xs: string[]) =>
    xs.slice(0, 5).join(", ") + (xs.length > 5 ? ` and ${xs.length - 5} more` : "");
  const parts: string[] = [];
  if (removed?.length) parts.push(`removed: ${few(removed)}`);
  if (added?.length) parts.push(`added: ${few(added)}`);
  if (added && removed && parts.length === 0) parts.push("same names, other order");
  return parts.length ? `; ${parts.join("; ")}` : "";
}

function row(d: CaseDifference): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const what = (b: string, a: string, label: string) =>
    `| ${MARK[d.severity]} | \`${cell(d.key)}\` | ${label} | ${cell(b)} | ${cell(a)} |`;
  switch (d.kind) {
    case "outcome":
      return what(outcomeText(d.before), outcomeText(d.after), "outcome");
    case "advertised":
      return what(
        advText(d.before, d.clientIssuerBefore),
        advText(d.after, d.clientIssuerAfter) + namesText(d.namesAdded, d.namesRemoved),
        "advertised list",
      );
    case "latency":
      return what(
        `${formatMs(d.beforeP50Ms)} p50, ${formatMs(d.beforeP99Ms)} p99`,
        `${formatMs(d.afterP50Ms)} p50, ${formatMs(d.afterP99Ms)} p99`,
        `latency ${formatPct(d.change)}${d.noise ? ` (${d.noise})` : ""}`,
      );
    case "expectation":
      return what(
        d.before === null ? "—" : d.before ? "pass" : "fail",
        d.after ? "pass" : `fail: ${d.message}`,
        `expect ${d.expect}`,
      );
  }
}

function keyList(title: string, keys: string[]): string[] {
  if (keys.length === 0) return [];
  const shown = keys.slice(0, 20).map((k) => `- \`${k}\``);
  if (keys.length > 20) shown.push(`- … and ${keys.length - 20} more`);
  return [`**${title}** (${keys.length}):`, "", ...shown, ""];
}

/** How latency was compared, or why it was not. */
function latencyLine(cmp: RunComparison): string {
  const off = cmp.latencyNotMeasured;
  if (off.length === 0) return `latency threshold ${cmp.latencyThresholdPct}% (p50)`;
  const who = off.length === 2 ? "neither run measured it" : `the ${off[0]} run did not measure it`;
  return `latency not compared (${who}: functional-only run)`;
}

/** The comparison as markdown for a PR comment. */
export function compareMarkdown(cmp: RunComparison): string {
  const gone = cmp.removed.length > 0 ? `${cmp.removed.length} baseline case(s) gone` : "";
  const head = cmp.regression
    ? `❌ ${[cmp.regressions > 0 ? `${cmp.regressions} regression(s)` : "", gone].filter(Boolean).join(", ")}`
    : cmp.differences.length > 0
      ? "✅ no regression (some changes)"
      : "✅ no regression";
  const out = [
    `## rootload compare: ${head}`,
    "",
    `Baseline \`${cmp.baseline.runId}\` → current \`${cmp.current.runId}\`: ${formatInt(cmp.matched)} cases matched, ` +
      `${cmp.added.length} added, ${cmp.removed.length} removed; ${cmp.regressions} regression(s), ` +
      `${cmp.improvements} improvement(s); ${latencyLine(cmp)}.`,
    "",
  ];
  if (cmp.versionChanges.length > 0)
    out.push(
      `Versions changed: ${cmp.versionChanges
        .map((v) => `${v.server} ${v.component} ${v.before ?? "(none)"} → ${v.after ?? "(none)"}`)
        .join("; ")}.`,
      "",
    );
  if (cmp.differences.length > 0) {
    const order: Record<Severity, number> = { regression: 0, change: 1, improvement: 2 };
    const sorted = [...cmp.differences].sort((a, b) => order[a.severity] - order[b.severity]);
    out.push("| | Case | What | Baseline | Current |", "|---|---|---|---|---|", ...sorted.map(row), "");
  }
  if (cmp.boundaryChanges.length > 0) {
    const cell = (t: string) => t.replace(/\|/g, "\\|");
    out.push(
      "| | Bisected series | Baseline boundary | Current boundary |",
      "|---|---|---|---|",
      ...cmp.boundaryChanges.map(
        (d) =>
          `| ${MARK[d.severity]} | \`${cell(d.series)}\` | ${cell(d.before.text)} | ${cell(d.after.text)} |`,
      ),
      "",
    );
  }
  out.push(...keyList("Added cases", cmp.added), ...keyList("Removed cases", cmp.removed));
  if (cmp.duplicateKeys.length > 0)
    out.push(
      `⚠️ ${cmp.duplicateKeys.length} case key(s) occur more than once in a run; the last occurrence was compared.`,
      "",
    );
  return `${out.join("\n").trimEnd()}\n`;
}
