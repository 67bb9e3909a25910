import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/repo-root.ts";

/**
 * The places in harness/ and what each may import (docs/domain.md "Folder shape"): a folder, or a top-level
 * file by its name without `.ts`. Data flows one way — cli → scenario/run → (servers | clients |
 * probe | roots | report | check) → runtime → model — and the lists below are exactly the arrows
 * the code has, so a new import that points up, or a new folder with no place here, fails this
 * test. Widen a list only when the arrow really points down.
 */
const ALLOWED: Record<string, readonly string[]> = {
  // The leaves: model (TLS versions, names, outcomes, result types), errors and the logger.
  model: [],
  errors: [],
  log: [],
  args: ["errors"],
  // Numbers with thousands separators, without ICU (its first use costs every process 30–75 ms).
  "format-int": [],
  "write-atomic": ["errors"],
  // The user's 0700 state folder: orphan records and temp folders (keys) a later run reaps.
  "state-dir": ["errors", "log"],
  // Config-file reading shared by check and servers/templates: include expansion, tokenizers.
  config: ["errors"],
  roots: ["model", "errors"],
  pki: ["roots", "model", "errors"],
  probe: ["roots", "model", "log"],
  runtime: ["model", "errors", "log", "state-dir"],
  clients: ["probe", "pki", "roots", "runtime", "model", "errors", "log", "state-dir"],
  servers: [
    "config",
    "probe",
    "pki",
    "roots",
    "runtime",
    "model",
    "errors",
    "log",
    "state-dir",
    "format-int",
  ],
  report: ["model", "write-atomic", "format-int"],
  check: ["config", "probe", "roots", "model", "errors", "format-int"],
  // A job of its own beside run: probes running servers over time, judged by check's limits table.
  watch: ["check", "probe", "run", "scenario", "model", "errors", "log"],
  scenario: ["model", "errors"],
  testing: ["model"],
  // The package's public API (`import { defineScenario } from "rootload"`).
  index: ["scenario", "watch"],
  run: [
    "scenario",
    "servers",
    "clients",
    "probe",
    "roots",
    "pki",
    "runtime",
    "model",
    "errors",
    "log",
    "write-atomic",
    // The state folder checked before a run writes anything; run-folder locks name their owner.
    "state-dir",
  ],
};
// The CLI sits on top: it may use every other place but the test matchers.
ALLOWED.cli = [...Object.keys(ALLOWED).filter((p) => p !== "cli" && p !== "testing")];

/**
 * Rules inside a place, by file path under harness/ (a prefix): `from` may not import `to`.
 * config/ is a leaf for check/ and servers/templates/ only; a product's driver does not know about
 * users' templates.
 */
const FORBIDDEN_WITHIN: readonly { from: string; to: string; unless?: readonly string[]; why: string }[] = [
  {
    from: "",
    to: "config/",
    unless: ["check/", "servers/templates/", "config/"],
    why: "config/ is read by check/ and servers/templates/ only",
  },
  {
    from: "servers/drivers/",
    to: "servers/templates/",
    why: "a product's driver knows nothing of users' templates",
  },
];

type Graph = Map<string, Map<string, string[]>>;

const harness = path.join(repoRoot, "harness");

/** The place a harness file belongs to: its top folder, or its own name for a top-level file. */
function placeOf(file: string): string {
  const [first, ...rest] = path.relative(harness, file).split(path.sep);
  return rest.length > 0 ? first! : first!.replace(/\.ts$/, "");
}

/** Every file → file import inside harness/ (static, re-export and dynamic), paths relative to harness/. */
function fileImports(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const files = readdirSync(harness, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  for (const rel of files) {
    const file = path.join(harness, rel);
    const text = readFileSync(file, "utf8");
    const targets: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), m[1]!);
      if (target.startsWith(harness + path.sep)) targets.push(path.relative(harness, target));
    }
    out.set(rel, targets);
  }
  return out;
}

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/** Every place → place import in harness/, with the files that make it. */
function importGraph(imports = fileImports()): Graph {
  const graph: Graph = new Map();
  for (const [rel, targets] of imports) {
    const from = placeOf(path.join(harness, rel));
    const edges = graph.get(from) ?? new Map<string, string[]>();
    graph.set(from, edges);
    for (const t of targets) {
      const to = placeOf(path.join(harness, t));
      if (to === from) continue;
      edges.set(to, [...(edges.get(to) ?? []), `harness/${rel}`]);
    }
  }
  return graph;
}

/** File imports that break a FORBIDDEN_WITHIN rule, as readable lines. */
function ruleBreaks(imports: Map<string, string[]>, rules: typeof FORBIDDEN_WITHIN): string[] {
  const out: string[] = [];
  for (const [from, targets] of imports)
    for (const to of targets)
      for (const r of rules)
        if (
          from.startsWith(r.from) &&
          to.startsWith(r.to) &&
          !(r.unless ?? []).some((u) => from.startsWith(u))
        )
          out.push(`harness/${from} → harness/${to}: ${r.why}`);
  return out;
}

/**
 * harness/ files that nothing reaches from the product's entry points (bin/, bench/, containers/,
 * scenarios/) or, for the test matchers users import, from test/setup.ts: dead code.
 */
function unreached(): string[] {
  const roots = ["bin", "bench", "containers", "scenarios"]
    .flatMap((d) =>
      readdirSync(path.join(repoRoot, d), { recursive: true, encoding: "utf8" }).map((f) =>
        path.join(repoRoot, d, f),
      ),
    )
    .concat(path.join(repoRoot, "test/setup.ts"))
    // The package's entries: bin/rootload.js loads the CLI by URL (sources or dist/), and
    // exports "." (`import … from "rootload"`) is the public API.
    .concat(path.join(harness, "cli/index.ts"), path.join(harness, "index.ts"))
    .filter((f) => /\.(ts|js)$/.test(f));
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const m of text.matchAll(IMPORT)) stack.push(path.resolve(path.dirname(file), m[1]!));
  }
  return [...fileImports().keys()]
    .filter((rel) => !seen.has(path.join(harness, rel)))
    .map((rel) => `harness/${rel}`);
}

/** Imports the allow-list does not permit, and places it does not know, as readable lines. */
function violations(graph: Graph, allowed: Record<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, edges] of graph) {
    const ok = allowed[from];
    if (!ok) {
      out.push(`harness/${from} has no place in ALLOWED (test/unit/architecture.test.ts)`);
      continue;
    }
    for (const [to, files] of edges)
      if (!ok.includes(to)) out.push(`${from} → ${to} is not allowed (${files.join(", ")})`);
  }
  return out;
}

/** One cycle among the places, as a path "a → b → a", or null. */
function findCycle(edges: Record<string, readonly string[]>): string | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string | null => {
    if (state.get(n) === "done") return null;
    if (state.get(n) === "open") return [...stack.slice(stack.indexOf(n)), n].join(" → ");
    state.set(n, "open");
    stack.push(n);
    for (const m of edges[n] ?? []) {
      const found = visit(m);
      if (found) return found;
    }
    stack.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of Object.keys(edges)) {
    const found = visit(n);
    if (found) return found;
  }
  return null;
}

const asEdges = (g: Graph) => Object.fromEntries([...g].map(([k, v]) => [k, [...v.keys()]]));

describe("harness folder layering", () => {
  const imports = fileImports();
  const graph = importGraph(imports);

  it("every import between harness places is on the allow-list", () => {
    expect(violations(graph, ALLOWED)).toEqual([]);
  });

  it("the allow-list names no arrow the code does not use (it says what the code does)", () => {
    const unused = Object.entries(ALLOWED)
      .filter(([from]) => from !== "cli")
      .flatMap(([from, tos]) => tos.filter((to) => !graph.get(from)?.has(to)).map((to) => `${from} → ${to}`));
    expect(unused).toEqual([]);
  });

  it("the allow-list and the actual imports have no cycle between places", () => {
    expect(findCycle(ALLOWED)).toBeNull();
    expect(findCycle(asEdges(graph))).toBeNull();
  });

  it("model is a leaf: it imports nothing else from harness/", () => {
    expect([...(graph.get("model")?.keys() ?? [])]).toEqual([]);
  });

  it("inside the places: config/ only for check/ and templates, drivers apart from templates", () => {
    expect(ruleBreaks(imports, FORBIDDEN_WITHIN)).toEqual([]);
  });

  it("every harness file is reached from an entry point (no file nothing imports)", () => {
    expect(unreached()).toEqual([]);
  });

  it("the checks catch an upward import, an unknown folder, a cycle and a rule broken inside a place", () => {
    const bad: Graph = new Map([
      ["roots", new Map([["run", ["harness/roots/x.ts"]]])],
      ["newfolder", new Map([["model", ["harness/newfolder/y.ts"]]])],
    ]);
    expect(violations(bad, ALLOWED)).toEqual([
      "roots → run is not allowed (harness/roots/x.ts)",
      "harness/newfolder has no place in ALLOWED (test/unit/architecture.test.ts)",
    ]);
    expect(findCycle({ cli: ["roots"], roots: ["model", "cli"], model: [] })).toBe("cli → roots → cli");
    const inside = new Map([
      ["servers/drivers/nginx.ts", ["servers/templates/product-rules.ts"]],
      ["servers/served-check.ts", ["config/include.ts"]],
      ["check/config/read-nginx.ts", ["config/nginx-syntax.ts"]],
    ]);
    expect(ruleBreaks(inside, FORBIDDEN_WITHIN)).toEqual([
      "harness/servers/drivers/nginx.ts → harness/servers/templates/product-rules.ts: a product's driver knows nothing of users' templates",
      "harness/servers/served-check.ts → harness/config/include.ts: config/ is read by check/ and servers/templates/ only",
    ]);
  });
});
