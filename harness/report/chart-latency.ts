import { bytesDomain, CHART_WIDTH, chartSvg, panel, panelFrame, thresholdLegend } from "./chart-axes.ts";
import { formatBytes, formatMs } from "./format.ts";
import type { RunSummary, Series } from "./summary.ts";
import { el, linePath, niceTicks, text, title } from "./svg.ts";
import { xmlAttr } from "./xml.ts";

/** Line colours within one server's panel; distinct in hue and lightness. */
const PALETTE = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2"];
const COLS = 3;
const PLOT_H = 230;
const GAP = 18;
const LEGEND_H = 52;
const KEY_ROW = 17;

/**
 * Chart 2: handshake latency (p50 solid, p99 dashed, ms) by configured list size (bytes), one
 * panel per server, one colour per TLS version / policy / client of that server.
 */
export function latencyChart(s: RunSummary): string {
  const servers = [...new Set(s.series.map((x) => x.server))];
  // A figure that counts a client's process start is not drawn beside handshake times.
  const handshakeOnly = s.series.map((x) => ({
    ...x,
    latency: x.latency.filter((l) => !l.includesProcessStart),
  }));
  const leftOut = s.series.filter((x) => x.latency.some((l) => l.includesProcessStart));
  const byServer = servers.map((srv) =>
    handshakeOnly.filter((x) => x.server === srv && x.latency.length > 0),
  );
  const cols = Math.min(COLS, Math.max(servers.length, 1));
  const pw = (CHART_WIDTH - (cols - 1) * GAP) / cols;
  const keys = Math.max(1, ...byServer.map((g) => g.length));
  const panelH = PLOT_H + keys * KEY_ROW + 6;
  const xMax = bytesDomain(Math.max(0, ...s.sizes.map((p) => p.bytes)));
  const maxMs = Math.max(0.1, ...handshakeOnly.flatMap((x) => x.latency.map((l) => l.p99Ms)));
  const yTicks = niceTicks(maxMs, 4);
  const yMax = yTicks[yTicks.length - 1]!;
  const parts: string[] = [];

  parts.push(el("line", { x1: 0, x2: 26, y1: 14, y2: 14, class: "lat-line", stroke: "#334155" }));
  parts.push(el("text", { x: 32, y: 18, class: "legend" }, text("p50 (median)")));
  parts.push(el("line", { x1: 130, x2: 156, y1: 14, y2: 14, class: "lat-line p99", stroke: "#334155" }));
  parts.push(
    el("text", { x: 162, y: 18, class: "legend" }, text("p99, ms; failed handshakes have no point")),
  );
  parts.push(thresholdLegend(6, 40).svg);

  servers.forEach((srv, i) => {
    const group = byServer[i]!;
    const x0 = (i % cols) * (pw + GAP);
    const y0 = LEGEND_H + Math.floor(i / cols) * (panelH + GAP);
    const p = panel(x0, y0, pw, PLOT_H, xMax, yMax);
    parts.push(`<g data-server="${xmlAttr(srv)}">`);
    parts.push(el("rect", { x: x0, y: y0, width: pw, height: panelH, rx: 6, class: "panel-bg" }));
    parts.push(panelFrame(p, srv, xMax, yTicks, (v) => `${v} ms`).replace(/^<rect[^>]*\/>/, ""));
    group.forEach((ser, k) => {
      const color = PALETTE[k % PALETTE.length]!;
      parts.push(lines(ser, color, p.sx, p.sy));
      const ky = y0 + PLOT_H + 4 + k * KEY_ROW;
      parts.push(el("line", { x1: x0 + 14, x2: x0 + 38, y1: ky, y2: ky, class: "lat-line", stroke: color }));
      parts.push(el("text", { x: x0 + 44, y: ky + 4, class: "legend" }, text(seriesKeyLabel(ser))));
    });
    if (group.length === 0)
      parts.push(
        el(
          "text",
          { x: x0 + pw / 2, y: y0 + PLOT_H / 2, class: "legend", "text-anchor": "middle" },
          text("no handshake completed"),
        ),
      );
    parts.push("</g>");
  });

  const rows = Math.ceil(servers.length / cols);
  let height = LEGEND_H + rows * (panelH + GAP) - GAP + 2;
  if (leftOut.length > 0) {
    const names = [...new Set(leftOut.map((x) => x.label))];
    parts.push(
      el(
        "text",
        { x: 0, y: height + 14, class: "legend", "data-left-out": names.join("|") },
        text(
          `Not drawn: ${names.join(", ")}, timed from starting the client process (its output did not tell when it connected), not a handshake time.`,
        ),
      ),
    );
    height += 22;
  }
  return chartSvg(
    "latency",
    height,
    "Handshake latency p50 and p99 by configured CA list size, per server",
    `One panel per server (${servers.length}); x: configured CA list in bytes; y: handshake time in ms; solid p50, dashed p99.`,
    parts.join(""),
  );
}

/** The series label without its server (the panel title says it). */
function seriesKeyLabel(ser: Series): string {
  const rest = ser.label.startsWith(ser.server) ? ser.label.slice(ser.server.length).trim() : ser.label;
  return rest || `TLS ${ser.tls}`;
}

function lines(ser: Series, color: string, sx: (b: number) => number, sy: (v: number) => number): string {
  const parts: string[] = [];
  parts.push(
    el("path", {
      d: linePath(ser.latency.map((l) => [sx(l.bytes), sy(l.p99Ms)])),
      class: "lat-line p99",
      stroke: color,
    }),
  );
  parts.push(
    el("path", {
      d: linePath(ser.latency.map((l) => [sx(l.bytes), sy(l.p50Ms)])),
      class: "lat-line",
      stroke: color,
    }),
  );
  for (const l of ser.latency) {
    const tip = `${ser.label} · ${formatBytes(l.bytes)} (${l.count} names): p50 ${formatMs(l.p50Ms)}, p99 ${formatMs(l.p99Ms)}`;
    parts.push(
      el(
        "circle",
        {
          cx: sx(l.bytes),
          cy: sy(l.p50Ms),
          r: 3.5,
          fill: color,
          class: "mark",
          "data-series": ser.key,
          "data-stat": "p50",
        },
        title(tip),
      ),
    );
    parts.push(
      el(
        "circle",
        {
          cx: sx(l.bytes),
          cy: sy(l.p99Ms),
          r: 2.5,
          fill: "#fff",
          stroke: color,
          class: "mark p99",
          "data-series": ser.key,
          "data-stat": "p99",
        },
        title(tip),
      ),
    );
  }
  return parts.join("");
}
