import type { OutcomeClass } from "../model/outcome.ts";

/** Fill colour and text colour per outcome class, used by every chart and legend (one palette). */
export const OUTCOME_COLORS: Record<OutcomeClass, { fill: string; ink: string; label: string }> = {
  ok: { fill: "#2f9e5b", ink: "#ffffff", label: "ok" },
  "server-alert": { fill: "#d6453d", ink: "#ffffff", label: "server alert" },
  malformed: { fill: "#8e44ad", ink: "#ffffff", label: "malformed message" },
  "excessive-size": { fill: "#e67e22", ink: "#ffffff", label: "excessive size" },
  "issuer-not-advertised": { fill: "#f2c230", ink: "#3b2f00", label: "issuer not advertised (KB 2801679)" },
  reset: { fill: "#7a1f1f", ink: "#ffffff", label: "connection reset" },
  timeout: { fill: "#64748b", ink: "#ffffff", label: "timeout" },
  "no-certificate-request": { fill: "#3b82f6", ink: "#ffffff", label: "no CertificateRequest" },
  "server-error": { fill: "#1f2937", ink: "#ffffff", label: "server error (infrastructure)" },
  "client-unavailable": { fill: "#d1d5db", ink: "#111827", label: "client unavailable here" },
};

/** Reference-line colours of the three byte thresholds, in THRESHOLDS order. */
export const THRESHOLD_COLORS: readonly string[] = ["#b7791f", "#c2410c", "#b91c1c"];
