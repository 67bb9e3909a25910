import path from "node:path";
import { defineCommand, helpText, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { isReportFormat, REPORT_FORMATS } from "../report/formats.ts";
import { RUN_FILES, readRun } from "../run/run-dir.ts";
import { writeFileAtomic } from "../write-atomic.ts";

export const REPORT = defineCommand({
  name: "report",
  usage: ["report <run-dir> [options]"],
  about: "Renders a run directory as a report, on stdout unless -o. Exit 0, or 2 on bad input.",
  options: {
    format: {
      type: "string",
      short: "f",
      default: "md",
      arg: Object.keys(REPORT_FORMATS).join("|"),
      help: "report format",
    },
    output: {
      type: "string",
      short: "o",
      arg: "FILE",
      help: "write the report to FILE (never over the run's own files)",
    },
  },
});

/** `rootload report`: render a run directory; stdout unless -o. Exit 0, or 2 on bad input. */
export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(REPORT, args);
  if (values.help) {
    process.stdout.write(helpText(REPORT));
    return 0;
  }
  const formats = Object.keys(REPORT_FORMATS);
  if (positionals.length !== 1)
    throw new InputError(
      "rootload report",
      `expected one run directory, got ${positionals.length}; usage: rootload report <run-dir> --format ${formats.join("|")} [-o FILE]`,
    );
  if (!isReportFormat(values.format))
    throw new InputError(
      "rootload report --format",
      `"${values.format}" is not one of ${formats.join(", ")}`,
    );
  const { render } = REPORT_FORMATS[values.format];
  const run = await readRun(positionals[0]!, {
    onWarning: (m) => console.error(`rootload report: warning: ${m}`),
  });
  const out = render(run);
  if (values.output) {
    // A report never replaces the run it was made from.
    const target = path.resolve(values.output);
    for (const f of Object.values(RUN_FILES))
      if (target === path.resolve(positionals[0]!, f))
        throw new InputError(
          `rootload report -o ${values.output}`,
          `is the run's own ${f}; choose another file`,
        );
    await writeFileAtomic(values.output, out);
  } else process.stdout.write(out);
  return 0;
}
