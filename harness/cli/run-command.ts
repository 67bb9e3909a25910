import path from "node:path";
import { defineCommand, helpText, numberFlag, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { setLogLevel } from "../log.ts";
import { writeReports } from "../report/write-reports.ts";
import { parseShard } from "../run/plan.ts";
import { readRun } from "../run/run-dir.ts";
import { runScenario } from "../run/runner.ts";
import { ownSignals } from "../runtime/exit-hooks.ts";
import { Progress } from "./progress.ts";
import { safeText } from "./safe-text.ts";

export const RUN = defineCommand({
  name: "run",
  usage: ["run <scenario> [options]", "run --resume RUN_DIR [options]"],
  about: `Runs a scenario (servers × root-list sizes × TLS versions × clients), writes
<out>/<run-id>/{manifest.json,cases.jsonl} and the reports beside them, and prints the Markdown
summary. Exit 0: ok; 1: expectations failed; 2: bad input; 3: engine or server error; 130: interrupted.`,
  options: {
    out: { type: "string", arg: "DIR", help: "where run directories are written (default results/)" },
    resume: {
      type: "string",
      arg: "RUN_DIR",
      help: "finish an interrupted run: only the cases it lacks are run",
    },
    shard: {
      type: "string",
      arg: "i/n",
      help: "run the i-th of n shares of the plan (join them with rootload merge)",
    },
    jobs: {
      type: "string",
      arg: "N",
      help: "server instances run at once, 1..256 (default: the scenario's jobs, else 2 × cores)",
    },
    timeout: { type: "string", arg: "MS", help: "per-handshake timeout in ms (default 10000)" },
    "no-latency": {
      type: "boolean",
      help: "functional cases only: outcomes, lists and sizes, no latency sampling (reports say latency was not measured)",
    },
    "log-level": {
      type: "string",
      arg: "LEVEL",
      help: "pino log level: trace, debug, info, warn, error (default warn, or ROOTLOAD_LOG_LEVEL)",
    },
    quiet: { type: "boolean", help: "do not print the Markdown summary" },
  },
});

/**
 * `rootload run`: run a scenario, write results/<run-id>/{manifest.json,cases.jsonl} and the
 * reports beside them, print the Markdown summary. Exit 0 ok, 1 expectations failed,
 * 2 bad input, 3 engine or server error, 130 interrupted.
 */
export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(RUN, args);
  if (values.help) {
    process.stdout.write(helpText(RUN));
    return 0;
  }
  if (positionals.length > 1)
    throw new InputError("rootload run", `expected one scenario, got ${positionals.length}`);
  if (!positionals[0] && !values.resume)
    throw new InputError("rootload run", `a scenario file is required (usage: rootload ${RUN.usage[0]})`);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (values.shard !== undefined && !shard)
    throw new InputError("rootload run --shard", `"${values.shard}" is not i/n with 1 ≤ i ≤ n`);
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 256))
    throw new InputError("rootload run --jobs", `"${values.jobs}" is not an integer in 1..256`);
  if (values["log-level"]) setLogLevel(values["log-level"]);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    // A second signal from the user forces the exit; the exit hooks still stop the servers.
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      `\nrootload run: ${sig}: dropping the case in flight, stopping servers, writing reports (again to force)\n`,
    );
    controller.abort();
  };
  // This command stops cleanly by itself; the runtime's signal hooks must not kill the servers
  // under the case in flight and re-raise the signal (which counted as a second Ctrl-C).
  const releaseSignals = ownSignals();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let progress: Progress | undefined;
  try {
    const summary = await runScenario({
      ...(positionals[0] ? { scenarioFile: positionals[0] } : {}),
      ...(values.out ? { outRoot: values.out } : {}),
      ...(values.resume ? { resumeDir: values.resume } : {}),
      ...(shard ? { shard } : {}),
      ...(jobs ? { jobs } : {}),
      ...(values["no-latency"] ? { latency: false as const } : {}),
      timeoutMs: numberFlag("run", "timeout", values.timeout, 10_000),
      signal: controller.signal,
      onNotice: (text) => process.stderr.write(`rootload run: ${text}\n`),
      onProgress: (e) => {
        if (e.kind === "start") progress = new Progress(e.total);
        else if (e.kind === "case") progress?.tick(`${e.planned.id} ${e.result.outcome.class}`);
        else progress?.end();
      },
    });
    const written = await writeReports(summary.dir, await readRun(summary.dir));
    // The summary quotes run data (versions, names): safe for the terminal it is printed on.
    if (!values.quiet) process.stdout.write(`${safeText(written.markdown)}\n`);
    const rel = path.relative(process.cwd(), summary.dir) || ".";
    process.stderr.write(
      `rootload run: ${summary.ran.length} cases → ${rel}/cases.jsonl; reports: ${written.files.map((f) => path.relative(process.cwd(), f)).join(", ")}\n`,
    );
    if (summary.interrupted) return 130;
    if (summary.serverErrors > 0) return 3;
    return summary.expectationFailures > 0 ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    releaseSignals();
  }
}
