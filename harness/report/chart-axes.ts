import { CA_LIST_LIMIT_BYTES } from "../model/limits.ts";
import { formatInt } from "./format.ts";
import { THRESHOLD_COLORS } from "./outcome-colors.ts";
import { THRESHOLDS, type Threshold } from "./summary.ts";
import { el, kibLabel, kibTicks, linear, text, textWidth, title } from "./svg.ts";

/** Width of every chart's viewBox (px); the page's content column is this wide. */
export const CHART_WIDTH = 1152;

/** A plot panel: outer box and inner plotting area (px), scales from data to px. */
export interface Panel {
  x: number;
  y: number;
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  sx: (bytes: number) => number;
  sy: (v: number) => number;
}

/** The x-axis end shared by the byte-axis charts: past the largest list and the 65,535 B limit. */
export function bytesDomain(maxBytes: number): number {
  return Math.ceil((Math.max(maxBytes, CA_LIST_LIMIT_BYTES + 1) + 1) / 16_384) * 16_384;
}

/** Make a panel whose x axis is CA list bytes [0, xMax] and y axis is [0, yMax]. */
export function panel(
  x: number,
  y: number,
  width: number,
  height: number,
  xMax: number,
  yMax: number,
): Panel {
  const left = x + 48;
  const right = x + width - 12;
  const top = y + 28;
  const bottom = y + height - 26;
  return {
    x,
    y,
    width,
    height,
    left,
    right,
    top,
    bottom,
    sx: linear(0, xMax, left, right),
    sy: linear(0, yMax, bottom, top),
  };
}

/**
 * Panel frame: title, grid, byte ticks every 16 KiB (or a power-of-two multiple, to fit), y ticks, and the 12,288 / 16,384 / 65,535
 * byte reference lines, drawn under the data.
 */
export function panelFrame(
  p: Panel,
  heading: string,
  xMax: number,
  yTicks: number[],
  yFmt: (v: number) => string,
): string {
  const parts: string[] = [];
  parts.push(el("rect", { x: p.x, y: p.y, width: p.width, height: p.height, rx: 6, class: "panel-bg" }));
  parts.push(el("text", { x: p.x + 10, y: p.y + 18, class: "panel-title" }, text(heading)));
  for (const v of yTicks) {
    const yy = p.sy(v);
    parts.push(el("line", { x1: p.left, x2: p.right, y1: yy, y2: yy, class: "grid" }));
    parts.push(
      el("text", { x: p.left - 6, y: yy + 3.5, class: "tick", "text-anchor": "end" }, text(yFmt(v))),
    );
  }
  // About 48 px per "128 KiB" label.
  for (const b of kibTicks(xMax, Math.floor((p.right - p.left) / 48))) {
    const xx = p.sx(b);
    parts.push(el("line", { x1: xx, x2: xx, y1: p.bottom, y2: p.bottom + 4, class: "axis" }));
    parts.push(
      el("text", { x: xx, y: p.bottom + 16, class: "tick", "text-anchor": "middle" }, text(kibLabel(b))),
    );
  }
  parts.push(el("line", { x1: p.left, x2: p.right, y1: p.bottom, y2: p.bottom, class: "axis" }));
  THRESHOLDS.forEach((t, i) => {
    if (t.bytes > xMax) return;
    const xx = p.sx(t.bytes);
    parts.push(
      el(
        "line",
        {
          x1: xx,
          x2: xx,
          y1: p.top - 4,
          y2: p.bottom,
          class: "threshold",
          stroke: THRESHOLD_COLORS[i],
          "data-threshold-bytes": t.bytes,
        },
        title(`${formatInt(t.bytes)} B: ${t.label}`),
      ),
    );
  });
  return parts.join("");
}

/** The legend entries for the three reference lines, laid out from (x, y); returns markup and width used. */
export function thresholdLegend(
  x: number,
  y: number,
  thresholds: readonly Threshold[] = THRESHOLDS,
): { svg: string; width: number } {
  let cx = x;
  const parts: string[] = [];
  thresholds.forEach((t, i) => {
    parts.push(
      el("line", { x1: cx, x2: cx, y1: y - 9, y2: y + 3, class: "threshold", stroke: THRESHOLD_COLORS[i] }),
    );
    const label = `${t.short}: ${t.label}`;
    parts.push(el("text", { x: cx + 6, y, class: "legend" }, text(label)));
    cx += 28 + textWidth(label, 11.5);
  });
  return { svg: parts.join(""), width: cx - x };
}

/**
 * The outer `<svg data-chart=name>` of a chart: full width, accessible title and description
 * (screen readers and the Chromium test find charts by them), then the chart's own parts.
 */
export function chartSvg(
  name: string,
  height: number,
  heading: string,
  description: string,
  body: string,
): string {
  const id = `chart-${name}`;
  return el(
    "svg",
    {
      "data-chart": name,
      viewBox: `0 0 ${CHART_WIDTH} ${height}`,
      width: "100%",
      role: "img",
      "aria-labelledby": `${id}-title ${id}-desc`,
      xmlns: "http://www.w3.org/2000/svg",
    },
    el("title", { id: `${id}-title` }, text(heading)) +
      el("desc", { id: `${id}-desc` }, text(description)) +
      body,
  );
}
