import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/repo-root.ts";

/**
 * The places in harness/ and what each may import (DESIGN.md "Shape"): a folder, or a top-level
 * file by its name without `.ts`. Data flows one way — cli → run → (servers | clients | probe |
 * roots | report) → runtime → model — so a new import that points up, or a new folder with no
 * place here, fails this test. Widen a list only when the arrow really points down.
 */
const ALLOWED: Record<string, readonly string[]> = {
  model: [],
  errors: [],
  log: [],
  args: ["errors"],
  // Numbers with thousands separators, without ICU (its first use costs every process 30–75 ms).
  "format-int": [],
  "write-atomic": ["errors"],
  // The user's 0700 state folder: orphan records and temp folders (keys) a later run reaps.
  "state-dir": ["errors", "log"],
  roots: ["model", "errors", "log"],
  pki: ["roots", "model", "errors", "log"],
  probe: ["roots", "model", "errors", "log"],
  runtime: ["model", "errors", "log", "state-dir"],
  clients: ["probe", "pki", "roots", "runtime", "model", "errors", "log", "state-dir"],
  servers: ["probe", "pki", "roots", "runtime", "model", "errors", "log", "state-dir", "format-int"],
  report: ["model", "errors", "log", "write-atomic", "format-int"],
  check: ["probe", "roots", "model", "errors", "format-int"],
  scenario: ["model", "errors", "log"],
  testing: ["model"],
  // The package's public API (`import { defineScenario } from "rootload"`).
  index: ["scenario"],
  run: [
    "scenario",
    "servers",
    "clients",
    "probe",
    "roots",
    "pki",
    "report",
    "runtime",
    "model",
    "errors",
    "log",
    "write-atomic",
    "state-dir",
  ],
};
// The CLI sits on top: it may use every other place.
ALLOWED.cli = [...Object.keys(ALLOWED).filter((p) => p !== "cli")];

type Graph = Map<string, Map<string, string[]>>;

const harness = path.join(repoRoot, "harness");

/** The place a harness file belongs to: its top folder, or its own name for a top-level file. */
function placeOf(file: string): string {
  const [first, ...rest] = path.relative(harness, file).split(path.sep);
  return rest.length > 0 ? first! : first!.replace(/\.ts$/, "");
}

/** Every place → place import in harness/ (static, re-export and dynamic), with the files that make it. */
function importGraph(): Graph {
  const graph: Graph = new Map();
  const files = readdirSync(harness, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(harness, f));
  for (const file of files) {
    const from = placeOf(file);
    const edges = graph.get(from) ?? new Map<string, string[]>();
    graph.set(from, edges);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = path.resolve(path.dirname(file), m[1]!);
      if (!target.startsWith(harness + path.sep)) continue;
      const to = placeOf(target);
      if (to === from) continue;
      edges.set(to, [...(edges.get(to) ?? []), path.relative(repoRoot, file)]);
    }
  }
  return graph;
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
  const graph = importGraph();

  it("every import between harness places is on the allow-list", () => {
    expect(violations(graph, ALLOWED)).toEqual([]);
  });

  it("the allow-list and the actual imports have no cycle between places", () => {
    expect(findCycle(ALLOWED)).toBeNull();
    expect(findCycle(asEdges(graph))).toBeNull();
  });

  it("model is a leaf: it imports nothing else from harness/", () => {
    expect([...(graph.get("model")?.keys() ?? [])]).toEqual([]);
  });

  it("the checks catch an upward import, an unknown folder and a cycle", () => {
    const bad: Graph = new Map([
      ["roots", new Map([["run", ["harness/roots/x.ts"]]])],
      ["newfolder", new Map([["model", ["harness/newfolder/y.ts"]]])],
    ]);
    expect(violations(bad, ALLOWED)).toEqual([
      "roots → run is not allowed (harness/roots/x.ts)",
      "harness/newfolder has no place in ALLOWED (test/unit/architecture.test.ts)",
    ]);
    expect(findCycle({ cli: ["roots"], roots: ["model", "cli"], model: [] })).toBe("cli → roots → cli");
  });
});
