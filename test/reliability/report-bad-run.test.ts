import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { repoRoot } from "../support/repo-root.ts";

/** `rootload report` on a run folder whose cases carry wrongly typed `expectations`: one line, rc 2. */
describe("report on a run with wrongly typed expectations", () => {
  const shapes: [string, unknown][] = [
    ["a string", "all good"],
    ["an object", { pass: true }],
    ["an entry without pass", [{ expect: "ok", message: "m" }]],
    ["pass as a string", [{ expect: "ok", pass: "yes", message: "m" }]],
    ["a null entry", [null]],
  ];
  it.each(shapes)(
    "expectations as %s",
    async (_, expectations) => {
      const dir = mkdtempSync(path.join(tmpdir(), "rootload-badexp-"));
      cpSync(path.join(repoRoot, "test/fixtures/runs/baseline"), dir, { recursive: true });
      const file = path.join(dir, "cases.jsonl");
      const lines = readFileSync(file, "utf8").split("\n");
      const first = JSON.parse(lines[0]!);
      first.expectations = expectations;
      lines[0] = JSON.stringify(first);
      writeFileSync(file, lines.join("\n"));
      const r = await runCli(["report", dir, "--format", "md"], 60_000);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/cases\.jsonl:1: .*expectations/);
      expect(r.stderr).not.toMatch(/internal error|\bat .*\.ts:\d+/);
    },
    60_000,
  );
});
