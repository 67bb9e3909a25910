import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../../../harness/errors.ts";
import { readRun } from "../../../harness/run/run-dir.ts";
import { fixtureRun, RUNS_DIR } from "./fixtures.ts";

describe("readRun", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "rootload-run-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function copyBaseline(casesText?: (t: string) => string, manifestText?: (t: string) => string) {
    const m = await readFile(join(RUNS_DIR, "baseline/manifest.json"), "utf8");
    const c = await readFile(join(RUNS_DIR, "baseline/cases.jsonl"), "utf8");
    await writeFile(join(dir, "manifest.json"), manifestText ? manifestText(m) : m);
    await writeFile(join(dir, "cases.jsonl"), casesText ? casesText(c) : c);
  }

  it("reads a complete run: manifest fields and every case, in file order", async () => {
    const run = await fixtureRun("baseline");
    expect(run.warnings).toEqual([]);
    expect(run.cases).toHaveLength(81);
    expect(run.manifest.plannedCases).toBe(81);
    expect(run.manifest.scenario.name).toBe("ca-list-growth");
    expect(run.manifest.servers.map((s) => s.driver)).toEqual(["nginx", "openssl", "gnutls"]);
    expect(run.manifest.endedAt).toBeDefined();
    expect(run.cases[0]!.id).toBe("nginx-1.2-node-all-96");
  });

  it("skips a torn last line (killed run) and says which line", async () => {
    const run = await fixtureRun("torn");
    expect(run.cases).toHaveLength(40);
    expect(run.manifest.endedAt).toBeUndefined();
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toMatch(/torn\/cases\.jsonl:41: skipped a torn last line/);
  });

  it("rejects a bad line that is not the last, naming file and line", async () => {
    await copyBaseline((t) => {
      const lines = t.split("\n");
      lines[4] = lines[4]!.slice(0, 50);
      return lines.join("\n");
    });
    const err = await readRun(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/cases\.jsonl:5: not JSON/);
  });

  it("rejects a case with a bad field, naming the field", async () => {
    await copyBaseline((t) => t.replace('"outcome":{"class":"ok"}', '"outcome":{"class":"fine"}'));
    await expect(readRun(dir)).rejects.toThrow(
      /cases\.jsonl:1: field "outcome\.class" is "fine", not one of ok, /,
    );
    await copyBaseline((t) => t.replace('"caListBytes":12233', '"caListBytes":"12233"'));
    await expect(readRun(dir)).rejects.toThrow(
      /cases\.jsonl:1: field "configured\.caListBytes" is "12233", expected a number/,
    );
    // A bisected case's facts are what the boundary is rebuilt from.
    const bisect =
      '"bisect":{"series":"s","by":"names","size":"302","from":100,"to":515,"until":"non-ok","judged":true,"past":false},';
    await copyBaseline((t) => t.replace('"outcome":{"class":"ok"}', `${bisect}"outcome":{"class":"ok"}`));
    await expect(readRun(dir)).rejects.toThrow(
      /cases\.jsonl:1: field "bisect\.size" is "302", expected a number/,
    );
    await copyBaseline((t) =>
      t.replace('"outcome":{"class":"ok"}', `${bisect.replace('"302"', "302")}"outcome":{"class":"ok"}`),
    );
    expect((await readRun(dir)).cases[0]!.bisect).toMatchObject({ size: 302, past: false });
  });

  it("rejects a missing or broken manifest, naming the file", async () => {
    await expect(readRun(dir)).rejects.toThrow(/manifest\.json: not found/);
    await copyBaseline(undefined, (t) => t.replace('"runId"', '"runID"'));
    await expect(readRun(dir)).rejects.toThrow(/manifest\.json: field "runId" is missing/);
    await copyBaseline(undefined, (t) => t.slice(0, 20));
    await expect(readRun(dir)).rejects.toThrow(/manifest\.json: not JSON/);
  });

  it("accepts a last line without its newline when it is whole", async () => {
    await copyBaseline((t) => t.trimEnd());
    const warnings: string[] = [];
    const run = await readRun(dir, { onWarning: (m) => warnings.push(m) });
    expect(run.cases).toHaveLength(81);
    expect(warnings).toEqual([]);
  });
});

describe("fixture runs", () => {
  it("are what test/fixtures/runs/fixture-runs.ts writes (regenerate with npx tsx on it)", async () => {
    const { writeFixtures } = await import("../../fixtures/runs/fixture-runs.ts");
    const tmp = await mkdtemp(join(tmpdir(), "rootload-fixtures-"));
    try {
      writeFixtures(tmp);
      for (const name of ["baseline", "regressed", "torn"])
        for (const file of ["manifest.json", "cases.jsonl"])
          expect(await readFile(join(tmp, name, file), "utf8"), `${name}/${file}`).toBe(
            await readFile(join(RUNS_DIR, name, file), "utf8"),
          );
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
