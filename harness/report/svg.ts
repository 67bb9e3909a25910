import { xmlAttr, xmlEscape } from "./xml.ts";

/**
 * The few pieces of SVG drawing the charts share. Charts are strings: the report is a pure
 * function, and an inline `<svg>` needs no library, no script and no network to render.
 */

/** Attribute values; undefined and false drop the attribute. */
export type Attrs = Record<string, string | number | undefined | false>;

/** An element with escaped attributes; `children` is trusted markup (already escaped). */
export function el(name: string, attrs: Attrs, children?: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => ` ${k}="${xmlAttr(typeof v === "number" ? fmtNum(v) : String(v))}"`)
    .join("");
  return children === undefined ? `<${name}${a}/>` : `<${name}${a}>${children}</${name}>`;
}

/** Escaped text content. */
export function text(s: string): string {
  return xmlEscape(s);
}

/** A `<title>` child: the tooltip and accessible name of a mark. */
export function title(s: string): string {
  return `<title>${xmlEscape(s)}</title>`;
}

/** Coordinates with at most 2 decimals keep the markup small. */
export function fmtNum(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** A linear map from a domain to a range. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** Round `max` up to a tick step of 1, 2 or 5 × 10^k so axes end on a labelled tick. */
export function niceStep(max: number, ticks = 5): number {
  if (max <= 0) return 1;
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Ticks 0, step, … up to the first tick ≥ max. */
export function niceTicks(max: number, ticks = 5): number[] {
  const step = niceStep(max, ticks);
  const out = [0];
  while (out[out.length - 1]! < max - 1e-9) out.push(out.length * step);
  return out;
}

/** A polyline path through points; `null` points break the line. */
export function linePath(points: ([number, number] | null)[]): string {
  let d = "";
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${fmtNum(p[0])},${fmtNum(p[1])}`;
    pen = true;
  }
  return d;
}

/** Byte ticks every 16 KiB: the unit the TLS limits are thought in. */
export function kibTicks(maxBytes: number, maxTicks = Number.POSITIVE_INFINITY): number[] {
  // 16 KiB steps, doubled until the labels fit (a 2,000-root sweep spans 216 KB).
  let step = 16_384;
  while (Math.floor(maxBytes / step) + 1 > Math.max(2, maxTicks)) step *= 2;
  const out: number[] = [];
  for (let b = 0; b <= maxBytes; b += step) out.push(b);
  return out;
}

/** 49152 → "48 KiB". */
export function kibLabel(bytes: number): string {
  return bytes === 0 ? "0" : `${bytes / 1024} KiB`;
}

/**
 * Rough rendered width of a label (px) for laying out legends without a DOM: sans-serif
 * glyphs average a little under 0.6 em.
 */
export function textWidth(label: string, fontPx: number): number {
  return label.length * fontPx * 0.58;
}
