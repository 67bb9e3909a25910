import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { InputError, messageOf } from "../errors.ts";
import { looksLikeSourceName } from "../model/source-name.ts";
import type { IdentitySpec, RootSourceSpec, Scenario } from "./define-scenario.ts";
import { validateScenario } from "./validate.ts";

export interface LoadedScenario {
  scenario: Scenario;
  /** Absolute path of the scenario file. */
  file: string;
  /** SHA-256 of the file's bytes, recorded in the run manifest. */
  hash: string;
}

/**
 * Load `*.scenario.ts` (default export, usually `defineScenario({...})`) or `*.scenario.json`,
 * validate it, and resolve relative paths in root sources from the scenario file's directory.
 */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const abs = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (err) {
    throw new InputError(
      file,
      `cannot read scenario (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`,
    );
  }
  let value: unknown;
  if (abs.endsWith(".json")) {
    try {
      value = JSON.parse(bytes.toString("utf8"));
    } catch (err) {
      throw new InputError(file, `not valid JSON: ${messageOf(err)}`);
    }
  } else if (/\.(m?ts|m?js)$/.test(abs)) {
    try {
      const mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
      value = mod.default;
    } catch (err) {
      throw new InputError(file, `cannot load scenario module: ${messageOf(err).split("\n")[0]}`);
    }
    if (value === undefined)
      throw new InputError(file, "has no default export (export default defineScenario({...}))");
  } else {
    throw new InputError(file, "is not a .scenario.ts, .scenario.js or .scenario.json file");
  }
  // The validator and structuredClone recurse: a value nested 200,000 deep would overflow the
  // stack. No real scenario comes close to this depth.
  const depth = nestingDepth(value, MAX_SCENARIO_DEPTH);
  if (depth > MAX_SCENARIO_DEPTH)
    throw new InputError(
      file,
      `is nested more than ${MAX_SCENARIO_DEPTH} levels deep; a scenario is a few levels`,
    );
  const result = validateScenario(value);
  if (!result.ok) throw new InputError(file, result.problems.join("; "));
  const dir = path.dirname(abs);
  const scenario = structuredClone(result.scenario);
  if (scenario.roots) scenario.roots.source = resolveSourcePaths(scenario.roots.source, dir);
  // A user's config template and identity files are relative to the scenario file too.
  for (const s of scenario.servers)
    if (s.driver !== "endpoint" && s.config !== undefined)
      s.config = Array.isArray(s.config)
        ? s.config.map((c) => path.resolve(dir, c))
        : path.resolve(dir, s.config);
  if (scenario.identity) scenario.identity = resolveIdentityPaths(scenario.identity, dir);
  return { scenario, file: abs, hash: createHash("sha256").update(bytes).digest("hex") };
}

/** Deepest nesting a scenario value may have (a real one has about 5). */
const MAX_SCENARIO_DEPTH = 32;

/** How deep `value` nests objects and arrays, counted without recursion and only up to `limit + 1`. */
function nestingDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > limit) return max;
    if (v && typeof v === "object") for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

function resolveSourcePaths(src: RootSourceSpec, dir: string): RootSourceSpec {
  // Snapshot names (`microsoft:2025-06-16`) are not paths: the catalog finds them.
  const r = (p: string) => (looksLikeSourceName(p) ? p : path.resolve(dir, p));
  switch (src.kind) {
    case "ctl":
      return { ...src, path: r(src.path), ...(src.certs ? { certs: r(src.certs) } : {}) };
    case "pem":
    case "directory":
    case "certdata":
      return { ...src, path: r(src.path) };
    case "snapshots":
      return { ...src, paths: src.paths.map(r), ...(src.certs ? { certs: r(src.certs) } : {}) };
    default:
      return src;
  }
}

function resolveIdentityPaths(id: IdentitySpec, dir: string): IdentitySpec {
  const r = (p: string) => path.resolve(dir, p);
  const common = { issuer: r(id.issuer), ...(id.chain ? { chain: r(id.chain) } : {}) };
  return "pkcs12" in id
    ? { ...id, ...common, pkcs12: r(id.pkcs12) }
    : { ...id, ...common, cert: r(id.cert), key: r(id.key) };
}
