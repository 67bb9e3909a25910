import { join } from "node:path";
import type { RunRecord } from "../model/run-manifest.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import { REPORT_FORMATS, type ReportFormatName } from "./formats.ts";

/** What {@link writeReports} wrote. */
export interface WrittenReports {
  /** The markdown report's text, for printing after a run. */
  markdown: string;
  /** Paths of the files written, in format order. */
  files: string[];
}

/**
 * Write every report of `run` into its run directory `dir`, beside its cases (summary.md,
 * report.html, junit.xml, report.json), each atomically. The I/O half of the reports; the
 * renderers stay pure. The caller reads the run (run/run-record.ts): reports never read files.
 */
export async function writeReports(
  dir: string,
  run: RunRecord,
  options: { formats?: readonly ReportFormatName[] } = {},
): Promise<WrittenReports> {
  const names = options.formats ?? (Object.keys(REPORT_FORMATS) as ReportFormatName[]);
  const files: string[] = [];
  let markdown = "";
  for (const name of names) {
    const { render, file } = REPORT_FORMATS[name];
    const out = render(run);
    if (name === "md") markdown = String(out);
    const path = join(dir, file);
    await writeFileAtomic(path, out);
    files.push(path);
  }
  if (!names.includes("md")) markdown = String(REPORT_FORMATS.md.render(run));
  return { markdown, files };
}
