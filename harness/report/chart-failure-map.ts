import type { CaseResult } from "../model/case-result.ts";
import type { OutcomeClass } from "../model/outcome.ts";
import { CHART_WIDTH, chartSvg, thresholdLegend } from "./chart-axes.ts";
import { formatBytes, formatInt, outcomeText } from "./format.ts";
import { OUTCOME_COLORS, THRESHOLD_COLORS } from "./outcome-colors.ts";
import {
  caseSize,
  configuredNames,
  distinctSent,
  type RunSummary,
  type Series,
  type SizePoint,
  sameSize,
  THRESHOLDS,
  type Threshold,
} from "./summary.ts";
import { el, text, textWidth, title } from "./svg.ts";

const LABEL_W = 250;
const HEAD_H = 70;
const ROW_H = 36;
const GAP = 2;

function cellWords(c: CaseResult): string {
  switch (c.outcome.class) {
    case "ok":
      return "ok";
    case "server-alert":
      return c.outcome.alert;
    case "issuer-not-advertised":
      return "issuer cut";
    case "no-certificate-request":
      return "no request";
    case "excessive-size":
      return "too big";
    case "server-error":
      return "server error";
    default:
      return c.outcome.class;
  }
}

/** Second line of a cell: how much of the list went out, when not all of it. */
function cellNote(c: CaseResult, s: Series): string {
  const a = c.advertised;
  if (!a) return c.outcome.class === "ok" ? "" : "no list read";
  if (s.advertisesNothing) return "sent 0 names";
  if (distinctSent(a) < configuredNames(c))
    return `sent ${formatInt(distinctSent(a))} of ${formatInt(configuredNames(c))}`;
  return "";
}

/** The largest font size (px) up to `maxPx` at which `label` fits in `width` px. */
function fitFont(label: string, width: number, maxPx: number): number {
  if (label === "") return maxPx;
  const px = Math.min(maxPx, (maxPx * width) / textWidth(label, maxPx));
  return Math.floor(px * 10) / 10;
}

/** The client limits drawn on the client map: the same list grown, where clients give up. */
export const CLIENT_THRESHOLDS: readonly Threshold[] = [
  {
    bytes: 32_768,
    short: "32,768 B",
    label: "Java 17 default jdk.tls.maxHandshakeMessageSize (CertificateRequest body)",
  },
  { bytes: 65_535, short: "65,535 B", label: "TLS 16-bit length limit (Go caps a message body at 65,536 B)" },
];

/** What a map draws: rows, where its reference lines go, its accessible name. */
interface MapOptions {
  id: string;
  rows: readonly Series[];
  thresholds: readonly Threshold[];
  /** The size a column stands for when placing the reference lines. */
  columnBytes: (col: SizePoint, i: number) => number;
  /** The column's size line under its heading (default: the configured list size). */
  tick?: (col: SizePoint, i: number) => string;
  title: string;
  description: string;
}

/**
 * Chart 3, the failure map: one row per server × TLS (× policy, client), one column per
 * configured list size, each cell coloured by outcome class, with the byte thresholds drawn
 * between the columns they fall between.
 */
export function failureMapChart(s: RunSummary): string {
  return mapChart(s, {
    id: "failure-map",
    rows: s.series,
    thresholds: THRESHOLDS,
    columnBytes: (p) => p.bytes,
    title: "Failure map: outcome per server, TLS version and configured CA list size",
    description:
      `${s.series.length} rows (server × TLS) by ${s.sizes.length} list sizes; cell colour is the outcome class; ` +
      "vertical lines mark 12,288, 16,384 and 65,535 bytes.",
  });
}

/**
 * The failure map's twin for clients: one row per client (× TLS, server), ordered by where the
 * client first breaks, so the client that breaks first is on top. Client limits are on the
 * CertificateRequest as received, so the reference lines (32,768 B: Java's default; 65,535 B) are
 * placed by the largest CertificateRequest body read on the wire in each column.
 */
export function clientMapChart(s: RunSummary): string {
  const firstFail = (ser: Series) => ser.firstFailure?.bytes ?? Number.POSITIVE_INFINITY;
  const rows = [...s.series].sort(
    (a, b) =>
      firstFail(a) - firstFail(b) ||
      a.client.localeCompare(b.client) ||
      a.tls.localeCompare(b.tls) ||
      a.server.localeCompare(b.server),
  );
  const bodyAt = s.sizes.map((p) => {
    let max = 0;
    for (const ser of s.series)
      for (const c of ser.cases)
        if (sameSize(caseSize(c), p) && c.advertised) max = Math.max(max, c.advertised.messageBytes - 4);
    return max;
  });
  // One server: the row is the client and the TLS version (long client labels need the room).
  const oneServer = new Set(s.series.map((x) => x.server)).size === 1;
  const label = (ser: Series) => `${ser.client} · ${oneServer ? "" : `${ser.server} `}TLS ${ser.tls}`;
  return mapChart(s, {
    id: "client-map",
    rows: rows.map((r) => ({ ...r, label: label(r) })),
    thresholds: CLIENT_THRESHOLDS,
    // Columns where no CertificateRequest was read sit at their configured size.
    columnBytes: (p, i) => bodyAt[i] || p.bytes,
    // The x axis a client sees: the CertificateRequest body on the wire, not the configured list.
    tick: (p, i) => (bodyAt[i] ? `msg ${formatBytes(bodyAt[i]!)}` : `list ${formatBytes(p.bytes)}`),
    title: "Client map: outcome per client and CA list size, the client that breaks first on top",
    description:
      `${rows.length} rows (client × server × TLS) by ${s.sizes.length} list sizes; cell colour is the outcome ` +
      "class; vertical lines mark a 32,768-byte and a 65,535-byte CertificateRequest body on the wire.",
  });
}

/** Where a map's columns go: one per configured list size, after the row labels. */
interface Grid {
  cols: readonly SizePoint[];
  colW: number;
  /** Height of all rows together. */
  rowsH: number;
  colX(i: number): number;
}

function mapGrid(cols: readonly SizePoint[], rows: number): Grid {
  const colW = cols.length > 0 ? (CHART_WIDTH - LABEL_W - 8) / cols.length : 0;
  return { cols, colW, rowsH: rows * ROW_H, colX: (i) => LABEL_W + i * colW };
}

/** Draw a map: column heads, one row per series, the reference lines, the legend. */
function mapChart(s: RunSummary, o: MapOptions): string {
  const grid = mapGrid(s.sizes, o.rows.length);
  const legendY = HEAD_H + grid.rowsH + 28;
  const parts = [
    ...columnHeads(grid, o),
    ...o.rows.flatMap((ser, r) => mapRow(ser, HEAD_H + r * ROW_H, grid)),
    ...thresholdLines(grid, o),
    ...mapLegend(s, o, grid, legendY),
  ];
  return chartSvg(o.id, legendY + 44, o.title, o.description, parts.join(""));
}

/** Each column's heading: its name count, and under it its size (or the map's own tick). */
function columnHeads(grid: Grid, o: MapOptions): string[] {
  return grid.cols.flatMap((p, i) => {
    const cx = grid.colX(i) + grid.colW / 2;
    // Many sizes make narrow columns: shrink the heading rather than let neighbours overlap.
    const head = `${formatInt(p.count)} names`;
    const tick = o.tick ? o.tick(p, i) : p.onWire ? `sent ${formatBytes(p.bytes)}` : formatBytes(p.bytes);
    return [
      el(
        "text",
        {
          x: cx,
          y: HEAD_H - 22,
          class: "col-head",
          "text-anchor": "middle",
          style: `font-size:${fitFont(head, grid.colW - 14, 11.5)}px`,
        },
        text(head),
      ),
      el(
        "text",
        {
          x: cx,
          y: HEAD_H - 8,
          class: "tick",
          "text-anchor": "middle",
          style: o.tick ? `font-size:${fitFont(tick, grid.colW - 6, 11)}px` : undefined,
        },
        text(tick),
      ),
    ];
  });
}

/** One series: its label at the left, then a cell per column. */
function mapRow(ser: Series, y: number, grid: Grid): string[] {
  return [
    rowHead(ser, y),
    ...grid.cols.flatMap((p, i) => {
      const c = ser.cases.find((k) => sameSize(caseSize(k), p));
      const box = { x: grid.colX(i) + GAP / 2, y, w: grid.colW - GAP, h: ROW_H - GAP };
      if (c) return mapCell(ser, c, box);
      // An endpoint's row has one size, what it sent: another endpoint's column is not a size it
      // skipped, so it gets no "not run" cell.
      return ser.cases.every((k) => caseSize(k).onWire) ? [] : [notRunCell(ser, p, box)];
    }),
  ];
}

function rowHead(ser: Series, y: number): string {
  // Long client labels (java+maxHandshakeMessageSize=131072) shrink rather than run off the left.
  const px = fitFont(ser.label, LABEL_W - 14, 12);
  return el(
    "text",
    {
      x: LABEL_W - 10,
      y: y + ROW_H / 2 + 4,
      class: "row-head",
      "text-anchor": "end",
      style: px < 12 ? `font-size:${px}px` : undefined,
    },
    text(ser.label),
  );
}

/** A cell's place on the map. */
interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function notRunCell(ser: Series, p: SizePoint, b: Box): string {
  return el(
    "rect",
    { x: b.x, y: b.y, width: b.w, height: b.h, rx: 3, class: "cell-empty" },
    title(`${ser.label} · ${p.stepLabel}: not run`),
  );
}

/** The tooltip: what was configured, what happened, what was advertised. */
function cellTip(ser: Series, c: CaseResult): string {
  return (
    `${ser.label} · ${c.step.label}: ` +
    (c.configured
      ? `${formatInt(c.configured.count)} names, ${formatBytes(c.configured.caListBytes)} configured → `
      : "as configured (an endpoint) → ") +
    `${outcomeText(c.outcome)}` +
    (c.advertised
      ? `; advertised ${formatInt(c.advertised.count)} names (${formatBytes(c.advertised.bytes)})`
      : "; no CertificateRequest read") +
    ("detail" in c.outcome && c.outcome.detail ? `; ${c.outcome.detail}` : "")
  );
}

/** A case's cell: coloured by outcome, with the outcome in words and, below, how much was sent. */
function mapCell(ser: Series, c: CaseResult, b: Box): string[] {
  const color = OUTCOME_COLORS[c.outcome.class];
  const parts: string[] = [
    el(
      "rect",
      {
        x: b.x,
        y: b.y,
        width: b.w,
        height: b.h,
        rx: 3,
        fill: color.fill,
        class: "mark cell",
        "data-outcome": c.outcome.class,
        "data-series": ser.key,
        "data-bytes": caseSize(c).bytes,
      },
      title(cellTip(ser, c)),
    ),
  ];
  return [...parts, ...cellLabels(ser, c, b, color.ink)];
}

/** The outcome in words and, below, how much of the list was sent, each shrunk to fit the cell. */
function cellLabels(ser: Series, c: CaseResult, b: Box, ink: string): string[] {
  const parts: string[] = [];
  const tx = b.x + b.w / 2;
  const words = cellWords(c);
  const note = cellNote(c, ser);
  // Many sizes make narrow cells: shrink the words to fit rather than spill into the neighbour.
  const wordPx = fitFont(words, b.w - 6, 11);
  const notePx = fitFont(note, b.w - 6, 9.5);
  const showNote = note !== "" && notePx >= 7;
  if (wordPx >= 6)
    parts.push(
      el(
        "text",
        {
          x: tx,
          y: b.y + (showNote ? 15 : 21),
          fill: ink,
          class: "cell-text",
          "text-anchor": "middle",
          style: wordPx < 11 ? `font-size:${wordPx}px` : undefined,
        },
        text(words),
      ),
    );
  if (showNote)
    parts.push(
      el(
        "text",
        {
          x: tx,
          y: b.y + 28,
          fill: ink,
          class: "cell-note",
          "text-anchor": "middle",
          style: notePx < 9.5 ? `font-size:${notePx}px` : undefined,
        },
        text(note),
      ),
    );
  return parts;
}

/**
 * The reference lines. Thresholds fall between two tested sizes: draw each on the boundary of the
 * columns it separates, side by side when several share a boundary.
 */
function thresholdLines(grid: Grid, o: MapOptions): string[] {
  const { cols } = grid;
  const groups = new Map<number, number[]>();
  o.thresholds.forEach((t, i) => {
    const g = cols.filter((p, ci) => o.columnBytes(p, ci) <= t.bytes).length;
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const parts: string[] = [];
  for (const [g, idx] of groups) {
    const x = grid.colX(g) - (g === cols.length ? GAP / 2 : 0);
    idx.forEach((ti, k) => {
      const t = o.thresholds[ti]!;
      const dx = (k - (idx.length - 1) / 2) * 4;
      parts.push(
        el(
          "line",
          {
            x1: x + dx,
            x2: x + dx,
            y1: 14 + k * 12,
            y2: HEAD_H + grid.rowsH + 4,
            class: "threshold",
            stroke: THRESHOLD_COLORS[ti],
            "data-threshold-bytes": t.bytes,
          },
          title(`${formatInt(t.bytes)} B: ${t.label}`),
        ),
      );
      parts.push(
        el(
          "text",
          { x: x + dx + 4, y: 12 + k * 12, class: "threshold-label", fill: THRESHOLD_COLORS[ti] },
          text(t.short),
        ),
      );
    });
  }
  return parts;
}

/** Legend: outcome classes that occur, "not run" when a cell was not, then the reference lines. */
function mapLegend(s: RunSummary, o: MapOptions, grid: Grid, legendY: number): string[] {
  const parts: string[] = [];
  const present = (Object.keys(OUTCOME_COLORS) as OutcomeClass[]).filter((k) => s.byOutcome[k] > 0);
  let lx = 0;
  for (const k of present) {
    const c = OUTCOME_COLORS[k];
    parts.push(el("rect", { x: lx, y: legendY - 10, width: 14, height: 14, rx: 3, fill: c.fill }));
    const label = `${c.label} (${s.byOutcome[k]})`;
    parts.push(el("text", { x: lx + 19, y: legendY + 1, class: "legend" }, text(label)));
    lx += 36 + textWidth(label, 11.5);
  }
  const onlyOnWire = (ser: Series) => ser.cases.every((k) => caseSize(k).onWire);
  if (o.rows.some((ser) => !onlyOnWire(ser) && ser.cases.length < grid.cols.length)) {
    parts.push(el("rect", { x: lx, y: legendY - 10, width: 14, height: 14, rx: 3, class: "cell-empty" }));
    parts.push(el("text", { x: lx + 19, y: legendY + 1, class: "legend" }, text("not run")));
  }
  parts.push(thresholdLegend(6, legendY + 26, o.thresholds).svg);
  return parts;
}
