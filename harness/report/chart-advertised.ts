import { bytesDomain, CHART_WIDTH, chartSvg, panel, panelFrame, thresholdLegend } from "./chart-axes.ts";
import { formatBytes, formatInt, outcomeText } from "./format.ts";
import { OUTCOME_COLORS } from "./outcome-colors.ts";
import { caseSize, type RunSummary } from "./summary.ts";
import { el, linePath, niceTicks, text, textWidth, title } from "./svg.ts";
import { xmlAttr } from "./xml.ts";

const COLS = 3;
const PANEL_H = 210;
const GAP = 18;
const LEGEND_H = 52;

/**
 * Chart 1: names advertised versus names configured, by configured list size (bytes), one
 * small panel per server × TLS so that a cut-off list (Schannel) or a missing one (abort)
 * stands out against the dashed "everything configured" line.
 */
export function advertisedChart(s: RunSummary): string {
  const n = s.series.length;
  const cols = Math.min(COLS, Math.max(n, 1));
  const rows = Math.ceil(n / cols);
  const pw = (CHART_WIDTH - (cols - 1) * GAP) / cols;
  const xMax = bytesDomain(Math.max(0, ...s.sizes.map((p) => p.bytes)));
  const yTicks = niceTicks(Math.max(1, ...s.sizes.map((p) => p.count)), 4);
  const yMax = yTicks[yTicks.length - 1]!;
  const parts: string[] = [];

  // Legend first: what the line, the dots and the crosses mean.
  const l1 = "configured names";
  const l2 = "advertised names (dot colour = outcome, as in the failure map)";
  const l3 = "no CertificateRequest read (handshake aborted or malformed)";
  const x2 = 32 + textWidth(l1, 11.5) + 24;
  const x3 = x2 + 32 + textWidth(l2, 11.5) + 24;
  parts.push(el("line", { x1: 0, x2: 26, y1: 14, y2: 14, class: "configured-line" }));
  parts.push(el("text", { x: 32, y: 18, class: "legend" }, text(l1)));
  parts.push(el("line", { x1: x2, x2: x2 + 26, y1: 14, y2: 14, class: "advertised-line" }));
  parts.push(el("circle", { cx: x2 + 13, cy: 14, r: 4.5, fill: OUTCOME_COLORS.ok.fill, class: "dot" }));
  parts.push(el("text", { x: x2 + 32, y: 18, class: "legend" }, text(l2)));
  parts.push(cross(x3 + 6, 14, OUTCOME_COLORS["server-alert"].fill));
  parts.push(el("text", { x: x3 + 18, y: 18, class: "legend" }, text(l3)));
  parts.push(thresholdLegend(6, 40).svg);

  s.series.forEach((ser, i) => {
    const p = panel(
      (i % cols) * (pw + GAP),
      LEGEND_H + Math.floor(i / cols) * (PANEL_H + GAP),
      pw,
      PANEL_H,
      xMax,
      yMax,
    );
    parts.push(`<g data-series="${xmlAttr(ser.key)}">`);
    parts.push(panelFrame(p, ser.label, xMax, yTicks, formatInt));
    parts.push(
      el("path", {
        d: linePath(
          // An endpoint has no configured list: no dashed line, only what it advertised.
          ser.cases.map((c) =>
            c.configured ? [p.sx(c.configured.caListBytes), p.sy(c.configured.count)] : null,
          ),
        ),
        class: "configured-line",
      }),
    );
    parts.push(
      el("path", {
        d: linePath(
          ser.cases.map((c) => (c.advertised ? [p.sx(caseSize(c).bytes), p.sy(c.advertised.count)] : null)),
        ),
        class: "advertised-line",
      }),
    );
    for (const c of ser.cases) {
      const x = p.sx(caseSize(c).bytes);
      const color = OUTCOME_COLORS[c.outcome.class].fill;
      const tip =
        `${ser.label} · ${c.step.label}: ` +
        (c.configured
          ? `configured ${formatInt(c.configured.count)} names (${formatBytes(c.configured.caListBytes)}), `
          : "as configured (an endpoint), ") +
        (c.advertised
          ? `advertised ${formatInt(c.advertised.count)} names (${formatBytes(c.advertised.bytes)})`
          : "no CertificateRequest read") +
        ` → ${outcomeText(c.outcome)}`;
      const common = {
        class: "mark",
        "data-outcome": c.outcome.class,
        "data-bytes": caseSize(c).bytes,
      };
      if (c.advertised)
        parts.push(
          el("circle", { cx: x, cy: p.sy(c.advertised.count), r: 4.5, fill: color, ...common }, title(tip)),
        );
      else parts.push(el("g", common, cross(x, p.sy(c.configured?.count ?? 0), color) + title(tip)));
    }
    parts.push("</g>");
  });

  const height = LEGEND_H + rows * (PANEL_H + GAP) - GAP + 2;
  return chartSvg(
    "advertised",
    height,
    "Advertised versus configured CA names by configured list size",
    `One panel per server and TLS version (${n}); x: configured CA list in bytes, y: number of names. ` +
      "Dashed: names configured; solid with dots: names advertised on the wire.",
    parts.join(""),
  );
}

function cross(x: number, y: number, color: string): string {
  const r = 4.5;
  return el("path", {
    d: `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`,
    stroke: color,
    class: "cross",
  });
}
