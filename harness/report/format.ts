import { formatInt } from "../format-int.ts";
import type { Outcome } from "../model/outcome.ts";

export { formatInt };

/**
 * Number and outcome formatting shared by the text reports, so that every report writes a
 * figure the same way (always with its unit).
 */

/** 65481 → "65,481 B". */
export function formatBytes(bytes: number): string {
  return `${formatInt(bytes)} B`;
}

/** 2.345 → "2.35 ms"; two decimals because handshakes on loopback take a few ms. */
export function formatMs(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

/** Signed percentage with one decimal: 0.4 → "+40.0%". */
export function formatPct(fraction: number): string {
  const pct = fraction * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%`;
}

/** "server-alert (internal_error)", "malformed", "ok". */
export function outcomeText(o: Outcome): string {
  const base = o.class === "server-alert" ? `${o.class} (${o.alert})` : o.class;
  // Who failed, when the record says: "excessive-size · client side".
  return o.class !== "ok" && o.side ? `${base} · ${o.side} side` : base;
}

/** The outcome's detail, if it carries one. */
export function outcomeDetail(o: Outcome): string | undefined {
  return "detail" in o ? o.detail : undefined;
}
