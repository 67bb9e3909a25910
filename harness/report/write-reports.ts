import path from "node:path";
import { readRun } from "../run/run-record.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import { htmlReport } from "./html.ts";
import { junitReport } from "./junit.ts";
import { markdownReport } from "./markdown.ts";

/** The reports `rootload run` leaves beside a run's results. */
export const RUN_REPORT_FILES = { markdown: "summary.md", html: "report.html", junit: "junit.xml" } as const;

/**
 * Render a run directory's reports into it (each written whole or not at all) and return the
 * Markdown summary for the terminal.
 */
export async function writeReports(dir: string): Promise<{ markdown: string; files: string[] }> {
  const run = await readRun(dir);
  const markdown = markdownReport(run);
  const files = {
    [RUN_REPORT_FILES.markdown]: markdown,
    [RUN_REPORT_FILES.html]: htmlReport(run),
    [RUN_REPORT_FILES.junit]: junitReport(run),
  };
  for (const [name, body] of Object.entries(files)) await writeFileAtomic(path.join(dir, name), body);
  return { markdown, files: Object.keys(files).map((n) => path.join(dir, n)) };
}
