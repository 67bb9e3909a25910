import type { CaseResult } from "../model/case-result.ts";
import type { RunManifest, RunRecord } from "../model/run-manifest.ts";
import { type RunSummary, type Series, summarize } from "./summary.ts";

/** Version of the JSON report's shape; bump when a field changes meaning. */
export const JSON_REPORT_VERSION = 1;

/** A series in the JSON report: its figures, with cases referred to by id instead of repeated. */
export type JsonSeries = Omit<Series, "cases"> & { caseIds: string[] };

/** The JSON report document. */
export interface JsonReport {
  format: "rootload-run";
  version: typeof JSON_REPORT_VERSION;
  manifest: RunManifest;
  summary: Omit<RunSummary, "series"> & { series: JsonSeries[] };
  cases: CaseResult[];
}

/** The run as one JSON value: manifest, computed summary, cases. */
export function jsonReportValue(run: RunRecord): JsonReport {
  const s = summarize(run);
  const series = s.series.map(({ cases, ...rest }) => ({ ...rest, caseIds: cases.map((c) => c.id) }));
  return {
    format: "rootload-run",
    version: JSON_REPORT_VERSION,
    manifest: run.manifest,
    summary: { ...s, series },
    cases: run.cases,
  };
}

/** The run as one JSON document (pretty-printed, newline-terminated). */
export function jsonReport(run: RunRecord): string {
  return `${JSON.stringify(jsonReportValue(run), null, 2)}\n`;
}
