import Module, { register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The module a scenario's `import … from "rootload"` must reach: this running copy of rootload's
 * public API (harness/index.ts in a checkout, dist/index.js in an installed package), wherever the
 * scenario file is and whether or not a node_modules beside it holds rootload.
 */
const API_URL = new URL(`../index${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * `import` (an ES module scenario): an off-thread resolve hook. Registered after tsx, so it runs
 * before tsx's and answers the bare name itself. `rootload/…` subpaths are not part of the API.
 */
const RESOLVE_HOOK = `export async function resolve(specifier, context, next) {
  if (specifier === "rootload") return { url: ${JSON.stringify(API_URL.href)}, format: "module", shortCircuit: true };
  return next(specifier, context);
}`;

let packageNameMapped = false;
let typeScriptLoaded = false;

/**
 * Import a user's module, a scenario or `watch`'s targets file (.ts, .mts, .cts, .js, .mjs, .cjs;
 * an ES module or CommonJS, whatever its folder's package.json says) and return its namespace.
 * tsx is registered here, for the first TypeScript file, not at start-up: `rootload check` and
 * `--help` never pay for it. `search` (`?load=2`) makes a fresh module of an edited file.
 */
export async function importScenarioModule(file: string, search = ""): Promise<Record<string, unknown>> {
  mapPackageName();
  if (/\.[mc]?ts$/.test(file)) await loadTypeScript();
  const mod = (await import(`${pathToFileURL(file).href}${search}`)) as Record<string, unknown>;
  // A CommonJS scenario's `module.exports = defineScenario(...)` arrives as `default`; tsx's
  // CommonJS output of `export default` arrives one level deeper, as `default.default`.
  const def = mod.default as Record<string, unknown> | undefined;
  if (def && typeof def === "object" && "__esModule" in def && "default" in def)
    return { ...mod, default: def.default };
  return mod;
}

function mapPackageName(): void {
  if (packageNameMapped) return;
  packageNameMapped = true;
  register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`);
  // `require("rootload")` (a CommonJS scenario, or tsx's CommonJS output of a .ts scenario in a
  // folder without "type": "module"): Node 20 has no public resolve hook for require(), so the
  // resolver is wrapped, as tsx does for its own purposes. Node ≥ 20.19 can require() the ES module.
  const cjs = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const apiFile = fileURLToPath(API_URL);
  const original = cjs._resolveFilename;
  cjs._resolveFilename = function (request, ...rest) {
    return request === "rootload" ? apiFile : original.call(this, request, ...rest);
  };
}

async function loadTypeScript(): Promise<void> {
  // Running from TypeScript sources means a loader is there already (bin/rootload.js in a
  // checkout registers tsx for both module systems; vitest transforms what it imports).
  if (typeScriptLoaded || import.meta.url.endsWith(".ts")) return;
  typeScriptLoaded = true;
  const [esm, cjs] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
  esm.register();
  cjs.register();
}
