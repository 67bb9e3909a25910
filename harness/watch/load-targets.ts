import { open } from "node:fs/promises";
import path from "node:path";
import { loadCaSource } from "../check/ca-source.ts";
import type { ClientStack } from "../check/limits.ts";
import { InputError, messageOf } from "../errors.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import { importScenarioModule } from "../scenario/import-scenario-module.ts";
import type { TargetsFile } from "./define-targets.ts";
import { parseDuration } from "./duration.ts";
import { splitAddress, validateTargets } from "./validate-targets.ts";

/** A CA whose subject must be advertised: the `issuer` label is its subject as `check` prints it. */
export interface WatchedIssuer {
  /** The file it came from, as written in the targets file. */
  file: string;
  /** RFC 4514 text (harness/roots/distinguished-name.ts). */
  subject: string;
  subjectDer: Uint8Array;
}

/** A target with its defaults applied and its issuer files read. */
export interface WatchTarget {
  name: string;
  host: string;
  port: number;
  address: string;
  tls: readonly TlsVersion[];
  starttls?: StartTlsProtocol;
  sni?: string;
  issuers: readonly WatchedIssuer[];
  clients: readonly ClientStack[];
  expect: "ok" | "refused";
  intervalMs: number;
  timeoutMs: number;
}

/** What `watch` runs: the targets and how many probes may be in flight. */
export interface WatchPlan {
  file: string;
  concurrency: number;
  targets: readonly WatchTarget[];
}

export const DEFAULT_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONCURRENCY = 4;
/** Largest targets file read (bytes): 500 targets fit in a twentieth of it. */
export const MAX_TARGETS_FILE_BYTES = 4 * 1024 * 1024;

let generation = 0;

async function readBounded(file: string): Promise<Buffer> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(file, "r");
    const { size } = await fh.stat();
    if (size > MAX_TARGETS_FILE_BYTES)
      throw new InputError(file, `is ${size} bytes, more than a targets file's ${MAX_TARGETS_FILE_BYTES}`);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      file,
      `cannot read targets file (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`,
    );
  } finally {
    await fh?.close();
  }
}

/** The file's value: JSON, or the default export of a TypeScript/JavaScript module (`defineTargets`). */
async function readValue(file: string): Promise<unknown> {
  const abs = path.resolve(file);
  if (abs.endsWith(".json")) {
    const bytes = await readBounded(file);
    try {
      return JSON.parse(bytes.toString("utf8"));
    } catch (err) {
      throw new InputError(file, `not valid JSON: ${messageOf(err)}`);
    }
  }
  if (!/\.(m?ts|m?js)$/.test(abs)) throw new InputError(file, "is not a .json, .ts or .js targets file");
  await readBounded(file);
  let mod: { default?: unknown };
  try {
    // A new URL each load: SIGHUP must see the edited file, not the module cache.
    mod = await importScenarioModule(abs, `?load=${++generation}`);
  } catch (err) {
    throw new InputError(file, `cannot load targets module: ${messageOf(err).split("\n")[0]}`);
  }
  if (mod.default === undefined)
    throw new InputError(file, "has no default export (export default defineTargets({...}))");
  return mod.default;
}

function readIssuer(file: string, where: string, dir: string): WatchedIssuer {
  let entries: ReturnType<typeof loadCaSource>;
  try {
    entries = loadCaSource(path.resolve(dir, file));
  } catch (err) {
    throw new InputError(where, `"${file}": ${err instanceof InputError ? err.problem : messageOf(err)}`);
  }
  if (entries.length !== 1)
    throw new InputError(
      where,
      `"${file}" holds ${entries.length} certificates; an issuer is one CA certificate`,
    );
  return { file, subject: entries[0]!.subject, subjectDer: entries[0]!.subjectDer };
}

/**
 * Read, validate and resolve a targets file. `intervalMs` (from `--interval`) replaces the file's
 * default interval, not a target's own.
 * @throws InputError naming the file and the field, e.g. `t.json: targets[0].address "x" is not host:port`
 */
export async function loadTargets(file: string, opts: { intervalMs?: number } = {}): Promise<WatchPlan> {
  const value = await readValue(file);
  const result = validateTargets(value);
  if (!result.ok) throw new InputError(file, result.problems.join("; "));
  const f: TargetsFile = result.file;
  const dir = path.dirname(path.resolve(file));
  const interval = opts.intervalMs ?? (f.interval ? parseDuration(f.interval)! : DEFAULT_INTERVAL_MS);
  const timeout = f.timeout ? parseDuration(f.timeout)! : DEFAULT_TIMEOUT_MS;
  const targets = f.targets.map((t, i): WatchTarget => {
    const { host, port } = splitAddress(t.address)!;
    const intervalMs = t.interval ? parseDuration(t.interval)! : interval;
    return {
      name: t.name,
      host,
      port,
      address: t.address,
      tls: t.tls ?? ["1.2", "1.3"],
      ...(t.starttls ? { starttls: t.starttls } : {}),
      ...(t.sni ? { sni: t.sni } : {}),
      issuers: (t.issuers ?? []).map((p, j) => readIssuer(p, `${file}: targets[${i}].issuers[${j}]`, dir)),
      clients: t.clients ?? [],
      expect: t.expect ?? "ok",
      intervalMs,
      // A probe never outlives its interval: the next one would start before it ended.
      timeoutMs: Math.min(t.timeout ? parseDuration(t.timeout)! : timeout, intervalMs),
    };
  });
  return { file, concurrency: f.concurrency ?? DEFAULT_CONCURRENCY, targets };
}
