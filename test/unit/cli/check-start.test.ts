import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../support/repo-root.ts";

/**
 * `rootload check` runs in pre-commit hooks and CI gates: its start must not load the runner,
 * the servers or the PKI (pino, @peculiar/x509, node-forge, tinybench, testcontainers), which
 * `--fix` and `--verify` import only when asked. Loading them took `check --help` from 0.37 to
 * 0.86 s of wall and 0.20 to 0.84 s of CPU (docs/reliability.md).
 */
const STATIC_IMPORT = /^(?:import|export)\s(?!type\b)[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gm;

function staticGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const walk = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) {
      const target = m[1] ?? m[2] ?? "";
      if (target.startsWith(".")) walk(path.resolve(path.dirname(file), target));
      else if (!target.startsWith("node:")) packages.set(target, path.relative(repoRoot, file));
    }
  };
  walk(entry);
  return { files, packages };
}

describe("check's start-up", () => {
  const { files, packages } = staticGraph(path.join(repoRoot, "harness/cli/check-command.ts"));

  it("imports no dependency package statically", () => {
    expect(Object.fromEntries(packages)).toEqual({});
  });

  it("does not load the runner, the servers or the runtimes", () => {
    const heavy = [...files]
      .map((f) => path.relative(repoRoot, f))
      .filter((f) => /^harness\/(run|servers|runtime|pki|clients)\//.test(f));
    expect(heavy).toEqual([]);
    // The walk itself found the check modules (a graph of one file would pass in silence).
    expect(files.size).toBeGreaterThan(20);
  });
});
