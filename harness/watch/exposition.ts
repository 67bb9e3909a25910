/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): `# HELP`, `# TYPE`, then one
 * line per sample, label values escaped.
 */

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: "gauge" | "counter";
  samples: readonly Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `\` → `\\`, `"` → `\"`, line feed → `\n` (label values). */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** `\` → `\\`, line feed → `\n` (HELP text). */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as the format writes it: `NaN`, `+Inf`, `-Inf`, or the number. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

/** The families as one exposition; a family with no samples still says what it is. */
export function exposition(families: readonly MetricFamily[]): string {
  let out = "";
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`metric name "${f.name}" is not valid`);
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) {
      const labels = Object.entries(s.labels);
      for (const [k] of labels) if (!LABEL.test(k)) throw new Error(`label name "${k}" is not valid`);
      const text = labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",");
      out += `${f.name}${text ? `{${text}}` : ""} ${formatValue(s.value)}\n`;
    }
  }
  return out;
}
