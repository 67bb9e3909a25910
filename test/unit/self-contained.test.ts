import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/repo-root.ts";

/**
 * rootload carries everything it needs: its data is data/rootstores, its domain facts are in
 * docs/. A briefing folder once sat beside the checkout; no file of the project may reach for it
 * again, by path or by name. The needles are built from pieces so this file does not match itself.
 */
const NEEDLES = [["..", "shared"].join("/"), ["shared", "data"].join("/"), ["DESIGN", "md"].join(".")];

/** The project's files: tracked ones in a git checkout, else every file but node_modules (an archive). */
function projectFiles(): string[] {
  if (existsSync(path.join(repoRoot, ".git")))
    return execFileSync("git", ["ls-files", "-z"], { cwd: repoRoot, encoding: "utf8", maxBuffer: 16 << 20 })
      .split("\0")
      .filter((f) => f !== "" && existsSync(path.join(repoRoot, f)));
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const d of readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory() && d.name !== "node_modules" && d.name !== ".git") walk(p);
      else if (d.isFile()) out.push(p);
    }
  };
  walk("");
  return out;
}

describe("the repository is self-contained", () => {
  it("no file mentions the briefing folder or the design notes outside the repository", () => {
    const files = projectFiles();
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const f of files) {
      const text = readFileSync(path.join(repoRoot, f)).toString("latin1");
      text.split("\n").forEach((line, i) => {
        if (NEEDLES.some((n) => line.includes(n))) hits.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
