import { InputError, messageOf } from "../errors.ts";
import { log } from "../log.ts";
import type { CaseResult } from "../model/case-result.ts";
import { OUTCOME_CLASSES } from "../model/outcome.ts";
import type { RunManifest, RunRecord } from "../model/run-manifest.ts";

/** Options of {@link readRun} and {@link parseRun}. */
export interface ReadRunOptions {
  /** Told about recoverable damage (a torn last line). Default: a warning on the logger. */
  onWarning?: (message: string) => void;
}

/** The pure half of {@link readRun}: parse a manifest and a JSONL text; paths only name things in errors. */
export function parseRun(
  input: { manifestPath: string; manifestText: string; casesPath: string; casesText: string },
  options: ReadRunOptions = {},
): RunRecord {
  const warn = options.onWarning ?? ((m: string) => log.warn(m));
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(input.manifestText);
  } catch (err) {
    throw new InputError(input.manifestPath, `not JSON: ${messageOf(err)}`);
  }
  const manifest = checkManifest(manifestJson, input.manifestPath);

  const cases: CaseResult[] = [];
  const lines = input.casesText.split("\n");
  // A complete file ends with "\n", so the last element is "" unless the last write was cut.
  const lastIndex = lines.length - 1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const where = `${input.casesPath}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (i === lastIndex) {
        warn(
          `${where}: skipped a torn last line (${line.length} chars; the run was probably killed mid-write)`,
        );
        continue;
      }
      throw new InputError(where, `not JSON: ${messageOf(err)}`);
    }
    cases.push(checkCase(value, where));
  }
  // A parallel run writes cases as they end; shards and merges interleave them. Plan order is
  // the one order all of them share with a serial run (a stable sort keeps old runs as written).
  if (cases.every((c) => typeof c.planIndex === "number"))
    cases.sort((a, b) => (a.planIndex as number) - (b.planIndex as number));
  return { manifest, cases };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Read a dotted field path; `undefined` when a step is missing. */
function field(obj: Json, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function need(
  obj: Json,
  path: string,
  type: "string" | "number" | "object" | "boolean",
  where: string,
): void {
  const v = field(obj, path);
  const ok =
    type === "object" ? isObject(v) : typeof v === type && !(type === "number" && !Number.isFinite(v));
  if (!ok) {
    const got = v === undefined ? "missing" : `${JSON.stringify(v)?.slice(0, 40)}`;
    throw new InputError(where, `field "${path}" is ${got}, expected a ${type}`);
  }
}

function checkManifest(v: unknown, where: string): RunManifest {
  if (!isObject(v)) throw new InputError(where, "expected a JSON object");
  for (const f of [
    "runId",
    "scenario.name",
    "scenario.file",
    "scenario.hash",
    "startedAt",
    "runtime",
  ] as const)
    need(v, f, "string", where);
  need(v, "plannedCases", "number", where);
  if (!Array.isArray(v.servers)) throw new InputError(where, `field "servers" is not an array`);
  v.servers.forEach((s, i) => {
    if (!isObject(s)) throw new InputError(where, `field "servers[${i}]" is not an object`);
    need(s, "driver", "string", `${where}: servers[${i}]`);
    need(s, "versions", "object", `${where}: servers[${i}]`);
  });
  return v as unknown as RunManifest;
}

const OUTCOMES: readonly string[] = OUTCOME_CLASSES;

function checkCase(v: unknown, where: string): CaseResult {
  if (!isObject(v)) throw new InputError(where, "expected a JSON object");
  for (const f of ["id", "server", "tls", "client", "policy", "step.label"] as const)
    need(v, f, "string", where);
  // An endpoint's case has no configured list (rootload did not configure it).
  if (v.configured !== undefined)
    for (const f of ["configured.count", "configured.caListBytes"] as const) need(v, f, "number", where);
  for (const f of ["outcome", "probeOutcome"] as const) {
    need(v, f, "object", where);
    const cls = field(v, `${f}.class`);
    if (typeof cls !== "string" || !OUTCOMES.includes(cls))
      throw new InputError(
        where,
        `field "${f}.class" is ${JSON.stringify(cls)}, not one of ${OUTCOMES.join(", ")}`,
      );
  }
  if (v.advertised !== null) {
    need(v, "advertised", "object", where);
    for (const f of ["advertised.count", "advertised.bytes"] as const) need(v, f, "number", where);
  }
  if (v.latency !== undefined)
    for (const f of ["latency.p50Ms", "latency.p99Ms"] as const) need(v, f, "number", where);
  if (v.planIndex !== undefined) need(v, "planIndex", "number", where);
  // Reports count and print expectations: a wrongly typed list is one line, not a stack.
  if (v.expectations !== undefined) {
    if (!Array.isArray(v.expectations))
      throw new InputError(
        where,
        `field "expectations" is ${JSON.stringify(v.expectations)?.slice(0, 40)}, expected an array`,
      );
    v.expectations.forEach((e, i) => {
      if (!isObject(e)) throw new InputError(where, `field "expectations[${i}]" is not an object`);
      need(e, "expect", "string", `${where}: expectations[${i}]`);
      need(e, "pass", "boolean", `${where}: expectations[${i}]`);
      need(e, "message", "string", `${where}: expectations[${i}]`);
    });
  }
  // A bisected case: the reports rebuild the boundary from these fields.
  if (v.bisect !== undefined) {
    for (const f of ["bisect.series", "bisect.by", "bisect.until"] as const) need(v, f, "string", where);
    for (const f of ["bisect.size", "bisect.from", "bisect.to"] as const) need(v, f, "number", where);
    for (const f of ["bisect.judged", "bisect.past"] as const) need(v, f, "boolean", where);
  }
  return v as unknown as CaseResult;
}
