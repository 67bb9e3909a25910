import { join } from "node:path";
import { type ReadRunOptions, readRun } from "../run/run-record.ts";
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
 * Read a run directory and write every report beside its cases (summary.md, report.html,
 * junit.xml, report.json), each atomically. The I/O half of the reports; the renderers stay pure.
 */
export async function writeReports(
  dir: string,
  options: ReadRunOptions & { formats?: readonly ReportFormatName[] } = {},
): Promise<WrittenReports> {
  const run = await readRun(dir, options);
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
