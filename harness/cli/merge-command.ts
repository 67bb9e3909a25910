import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { defineCommand, helpText, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import type { CaseResult } from "../model/case-result.ts";
import { type RunManifest, runServerKey } from "../model/run-manifest.ts";
import { readRun, writeRun } from "../run/run-dir.ts";

export const MERGE = defineCommand({
  name: "merge",
  usage: ["merge -o OUT RUN_DIR RUN_DIR..."],
  about: `Joins the shards of one scenario's run (rootload run --shard i/n) into one run directory.
The runs must come from the same scenario file content; a case found in two shards with different
results is an error rather than a silent pick. Exit 0, or 2 on bad input.`,
  options: {
    out: { type: "string", short: "o", arg: "OUT", help: "the merged run directory to write (required)" },
  },
});

/** `rootload merge -o OUT RUN_DIR...`: join the shards of one scenario into a single run. */
export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(MERGE, args);
  if (values.help) {
    process.stdout.write(helpText(MERGE));
    return 0;
  }
  if (!values.out) throw new InputError("rootload merge", "-o OUT is required");
  if (positionals.length < 2) throw new InputError("rootload merge", "give at least two run directories");
  // A merge writes a new run folder: over an existing one its cases and manifest would be replaced
  // and its old reports left beside them, describing another run.
  const target = path.resolve(values.out);
  if (existsSync(target) && !isEmptyDir(target))
    throw new InputError(
      `rootload merge -o ${values.out}`,
      "already exists; merge writes a new run folder (name one that does not exist)",
    );
  const runs = await Promise.all(positionals.map((d) => readRun(d)));
  const first = runs[0]!;
  const cases = new Map<string, CaseResult>();
  let planned = 0;
  let plannedBisects = 0;
  for (const [i, run] of runs.entries()) {
    if (run.manifest.scenario.hash !== first.manifest.scenario.hash)
      throw new InputError(
        positionals[i]!,
        `is a run of a different scenario (hash ${run.manifest.scenario.hash.slice(0, 12)}…, expected ${first.manifest.scenario.hash.slice(0, 12)}…)`,
      );
    // One run measures latency for every case or for none: a report cannot tell "not measured"
    // from "failed" case by case.
    if (run.manifest.latency !== first.manifest.latency)
      throw new InputError(
        positionals[i]!,
        `${run.manifest.latency === "not-measured" ? "did not measure" : "measured"} latency and ${positionals[0]} ${first.manifest.latency === "not-measured" ? "did not" : "did"} (run both shards with or both without --no-latency)`,
      );
    planned += run.manifest.plannedCases;
    plannedBisects += run.manifest.plannedBisects ?? 0;
    for (const c of run.cases) {
      const prior = cases.get(c.id);
      if (prior && JSON.stringify(prior) !== JSON.stringify(c))
        throw new InputError(
          positionals[i]!,
          `case ${c.id} also appears in another run with a different result`,
        );
      cases.set(c.id, c);
    }
  }
  const { shard: _shard, ...base } = first.manifest;
  const manifest: RunManifest = {
    ...base,
    runId: path.basename(path.resolve(values.out)),
    startedAt: runs.map((r) => r.manifest.startedAt).sort()[0]!,
    ...(runs.every((r) => r.manifest.endedAt)
      ? {
          endedAt: runs
            .map((r) => r.manifest.endedAt!)
            .sort()
            .at(-1)!,
        }
      : {}),
    plannedCases: planned,
    ...(plannedBisects > 0 ? { plannedBisects } : {}),
    servers: [
      ...new Map(runs.flatMap((r) => r.manifest.servers).map((s) => [runServerKey(s), s])).values(),
    ].sort((a, b) => firstPlanIndex(cases, runServerKey(a)) - firstPlanIndex(cases, runServerKey(b))),
    mergedFrom: runs.map((r) => r.manifest.runId),
  };
  const out = path.resolve(values.out);
  // Plan order, as a single run of the whole plan writes it (readRun sorts the same way).
  const ordered = [...cases.values()];
  if (ordered.every((c) => typeof c.planIndex === "number"))
    ordered.sort((a, b) => (a.planIndex as number) - (b.planIndex as number));
  await writeRun(out, { manifest, cases: ordered });
  process.stderr.write(
    `rootload merge: ${cases.size} cases from ${runs.length} runs → ${path.relative(process.cwd(), out) || "."}\n`,
  );
  return 0;
}

function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}

/** Where a server's first case sits in the plan: servers are listed in scenario order, as a single run lists them. */
function firstPlanIndex(cases: ReadonlyMap<string, CaseResult>, server: string): number {
  let min = Number.POSITIVE_INFINITY;
  for (const c of cases.values()) if (c.server === server && (c.planIndex ?? min) < min) min = c.planIndex!;
  return min;
}
