import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReports } from "../../../harness/report/write-reports.ts";
import { readRun } from "../../../harness/run/run-dir.ts";
import { RUNS_DIR } from "./fixtures.ts";

describe("writeReports", () => {
  it("writes every report beside the run's cases and returns the markdown", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rootload-write-"));
    try {
      await cp(join(RUNS_DIR, "baseline"), dir, { recursive: true });
      const written = await writeReports(dir, await readRun(dir));
      expect(written.files).toEqual(
        ["summary.md", "report.html", "junit.xml", "report.json"].map((f) => join(dir, f)),
      );
      expect((await readdir(dir)).sort()).toEqual([
        "cases.jsonl",
        "junit.xml",
        "manifest.json",
        "report.html",
        "report.json",
        "summary.md",
      ]);
      expect(written.markdown).toBe(await readFile(join(dir, "summary.md"), "utf8"));
      expect(written.markdown).toMatch(/^## rootload: ❌ FAIL/);
      const only = await writeReports(dir, await readRun(dir), { formats: ["junit"] });
      expect(only.files).toEqual([join(dir, "junit.xml")]);
      expect(only.markdown).toBe(written.markdown);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
