import type { RunRecord } from "../model/run-manifest.ts";
import { htmlReport } from "./html.ts";
import { jsonReport } from "./json.ts";
import { junitReport } from "./junit.ts";
import { markdownReport } from "./markdown.ts";

/** A report format's renderer and the file name it gets beside a run. */
export interface ReportFormat {
  render: (run: RunRecord) => string | Uint8Array;
  /** File name inside the run directory when `rootload run` writes the reports. */
  file: string;
}

/** Every report format, by the name `--format` takes. */
export const REPORT_FORMATS = {
  md: { render: markdownReport, file: "summary.md" },
  html: { render: htmlReport, file: "report.html" },
  junit: { render: junitReport, file: "junit.xml" },
  json: { render: jsonReport, file: "report.json" },
} as const satisfies Record<string, ReportFormat>;

/** A `--format` value. */
export type ReportFormatName = keyof typeof REPORT_FORMATS;

/** Narrow a string to a format name. */
export function isReportFormat(name: string): name is ReportFormatName {
  return Object.hasOwn(REPORT_FORMATS, name);
}
