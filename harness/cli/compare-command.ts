import { numberFlag, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { compareRuns } from "../report/compare.ts";
import { compareMarkdown } from "../report/compare-markdown.ts";
import { readRun } from "../run/run-dir.ts";

/**
 * `rootload compare <baseline-run-dir> <run-dir> [--latency-threshold PCT] [--latency-floor MS] [--json]`:
 * exit 1 on a regression, 0 otherwise, 2 on bad input.
 */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("compare", args, {
    "latency-threshold": { type: "string" },
    "latency-floor": { type: "string" },
    json: { type: "boolean", default: false },
  });
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
