import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../harness/errors.ts";
import { createRunDir, newRunId } from "../../harness/run/run-dir.ts";
import { runCli } from "../support/cli.ts";

/** A scenario of two quick cases: s_server as a process, Node's roots, the node client. */
async function tinyScenario(dir: string, name = "tiny"): Promise<string> {
  const file = path.join(dir, `${name}.scenario.json`);
  await writeFile(
    file,
    JSON.stringify({
      name,
      runtime: "process",
      servers: [{ driver: "openssl", tls: ["1.2", "1.3"] }],
      roots: { source: { kind: "builtin" } },
      clients: ["node"],
      bench: { time: 10, iterations: 1 },
    }),
  );
  return file;
}

const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);

function expectOneLine(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe("run directories are never shared", () => {
  it("ids differ within one second; an existing folder is refused, not adopted", async () => {
    const now = new Date("2026-01-01T12:00:00Z");
    const ids = new Set(Array.from({ length: 50 }, () => newRunId("quickstart", now)));
    expect(ids.size).toBe(50);
    const out = await mkdtemp(path.join(tmpdir(), "rootload-ids-"));
    const dir = await createRunDir(out, "same");
    expect(existsSync(dir)).toBe(true);
    await expect(createRunDir(out, "same")).rejects.toThrow(InputError);
  });

  it("two runs started together with the same --out each write their own folder", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-twin-"));
    const scenario = await tinyScenario(dir);
    const out = path.join(dir, "results");
    const [a, b] = await Promise.all([
      runCli(["run", scenario, "--out", out, "--quiet"]),
      runCli(["run", scenario, "--out", out, "--quiet"]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const runs = readdirSync(out);
    expect(runs).toHaveLength(2);
    for (const r of runs) expect(lines(path.join(out, r, "cases.jsonl"))).toHaveLength(2);
  }, 300_000);
});

describe("--resume", () => {
  it("needs the scenario named, never imports the one the manifest names, and checks its hash first", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-resume-"));
    const scenario = await tinyScenario(dir);
    const out = path.join(dir, "results");
    expect((await runCli(["run", scenario, "--out", out, "--quiet"])).code).toBe(0);
    const runDir = path.join(out, readdirSync(out)[0]!);
    // A downloaded results folder whose manifest points at code.
    const marker = path.join(dir, "ran");
    const evil = path.join(dir, "evil.scenario.ts");
    writeFileSync(
      evil,
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "x");\nexport default {};\n`,
    );
    const manifestFile = path.join(runDir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    writeFileSync(
      manifestFile,
      JSON.stringify({ ...manifest, scenario: { ...manifest.scenario, file: evil } }),
    );

    expectOneLine(
      await runCli(["run", "--resume", runDir]),
      /name the scenario too: .*recorded .*evil\.scenario\.ts/,
    );
    expect(existsSync(marker)).toBe(false);
    // The evil file named on the command line is still checked against the recorded hash before import.
    expectOneLine(
      await runCli(["run", evil, "--resume", runDir]),
      /evil\.scenario\.ts: is not the scenario run .* started with/,
    );
    expect(existsSync(marker)).toBe(false);
    // The right scenario resumes (nothing left to do).
    const ok = await runCli(["run", scenario, "--resume", runDir, "--quiet"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(lines(path.join(runDir, "cases.jsonl"))).toHaveLength(2);
  }, 300_000);

  it("a manifest of {} is one line, rc 2", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-resume-"));
    const scenario = await tinyScenario(dir);
    const runDir = path.join(dir, "run");
    mkdirSync(runDir);
    await writeFile(path.join(runDir, "manifest.json"), "{}");
    expectOneLine(await runCli(["run", scenario, "--resume", runDir]), /manifest\.json: has no runId/);
  });

  it("cases from another scenario in cases.jsonl are refused, not reported as this run's", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-foreign-"));
    const scenario = await tinyScenario(dir);
    const out = path.join(dir, "results");
    expect((await runCli(["run", scenario, "--out", out, "--quiet"])).code).toBe(0);
    const runDir = path.join(out, readdirSync(out)[0]!);
    const cases = path.join(runDir, "cases.jsonl");
    const [first] = lines(cases);
    // Keep one of ours (so one case is left to run) and add a case from another scenario.
    const foreign = { ...JSON.parse(first!), id: "nginx#0|all|n=10|tls1.2|java" };
    writeFileSync(cases, `${first}\n`);
    appendFileSync(cases, `${JSON.stringify(foreign)}\n`);
    expectOneLine(
      await runCli(["run", scenario, "--resume", runDir, "--quiet"]),
      /cases\.jsonl:2: case "nginx#0\|all\|n=10\|tls1\.2\|java" is not in this run's plan/,
    );
    expect(lines(cases)).toHaveLength(2);
  }, 300_000);
});
