import { defineCommand, helpText, numberFlag, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { compareRuns } from "../report/compare.ts";
import { compareMarkdown } from "../report/compare-markdown.ts";
import { readRun } from "../run/run-dir.ts";

export const COMPARE = defineCommand({
  name: "compare",
  usage: ["compare <baseline-run-dir> <run-dir> [options]"],
  about: `Compares a run with a baseline run of the same scenario: outcomes that got worse, advertised
lists that changed, handshakes that got slower. Exit 0: no regression; 1: a regression; 2: bad input.`,
  options: {
    "latency-threshold": {
      type: "string",
      arg: "PCT",
      help: "a median handshake this many percent slower is a regression (default 25)",
    },
    "latency-floor": {
      type: "string",
      arg: "MS",
      help: "slowdowns smaller than this many ms never count (default 1)",
    },
    json: { type: "boolean", default: false, help: "print the comparison as JSON" },
  },
});

/** `rootload compare`: exit 1 on a regression, 0 otherwise, 2 on bad input. */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMPARE, args);
  if (values.help) {
    process.stdout.write(helpText(COMPARE));
    return 0;
  }
  if (positionals.length !== 2)
    throw new InputError(
      "rootload compare",
      `expected <baseline-run-dir> <run-dir>, got ${positionals.length} argument(s)`,
    );
  const latencyThresholdPct = numberFlag("compare", "latency-threshold", values["latency-threshold"], 25);
  const onWarning = (m: string) => console.error(`rootload compare: warning: ${m}`);
  const baseline = await readRun(positionals[0]!, { onWarning });
  const current = await readRun(positionals[1]!, { onWarning });
  const latencyFloorMs = numberFlag("compare", "latency-floor", values["latency-floor"], 1);
  const cmp = compareRuns(baseline, current, { latencyThresholdPct, latencyFloorMs });
  process.stdout.write(values.json ? `${JSON.stringify(cmp, null, 2)}\n` : compareMarkdown(cmp));
  return cmp.regression ? 1 : 0;
}
