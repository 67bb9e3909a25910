import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { repoRoot, rootstores } from "../support/repo-root.ts";

/** Bad input through the real CLI: exit 2, one line naming the file or flag, no stack. */
function expectOneLine(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  const text = r.stderr.trim();
  expect(text.split("\n")).toHaveLength(1);
  expect(text).toMatch(pattern);
  expect(text).not.toMatch(/\bat .*\.ts:\d+|internal error/);
}

const tiny = (name: string) => ({
  name,
  runtime: "process",
  servers: [{ driver: "openssl", tls: ["1.2"] }],
  roots: { source: { kind: "builtin" } },
  clients: ["node"],
  bench: { time: 10, iterations: 1 },
});

describe("bad paths and shapes: one line, rc 2, nothing written or destroyed", () => {
  it("an unreadable certs/ folder", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-certs-"));
    chmodSync(dir, 0o755);
    const snap = path.join(rootstores, "microsoft/2025-06-16");
    cpSync(path.join(snap, "authroot.stl"), path.join(dir, "authroot.stl"));
    mkdirSync(path.join(dir, "certs"), { mode: 0o000 });
    const args = ["roots", "inspect", path.join(dir, "authroot.stl"), "--certs", path.join(dir, "certs")];
    if (process.getuid?.() === 0) {
      // Root reads any folder: run the CLI as an ordinary user, as the case really happens.
      const r = spawnSync(
        "setpriv",
        [
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          process.execPath,
          path.join(repoRoot, "bin/rootload.js"),
          ...args,
        ],
        { cwd: repoRoot, env: { ...process.env, TMPDIR: "/tmp" }, encoding: "utf8" },
      );
      expectOneLine(
        { code: r.status, stderr: r.stderr },
        /certs: certificate directory cannot be read \(EACCES\)/,
      );
    } else expectOneLine(await runCli(args), /certs: certificate directory cannot be read \(EACCES\)/);
  }, 60_000);

  it("--out that is a file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-out-"));
    const scenario = path.join(dir, "t.scenario.json");
    writeFileSync(scenario, JSON.stringify(tiny("t")));
    const out = path.join(dir, "not-a-folder");
    writeFileSync(out, "keep me");
    expectOneLine(
      await runCli(["run", scenario, "--out", out, "--quiet"]),
      /--out .*not-a-folder: cannot create the run folder/,
    );
    expect(readFileSync(out, "utf8")).toBe("keep me");
  }, 60_000);

  it("a 300-character scenario name runs, in a folder whose name fits", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-long-"));
    const scenario = path.join(dir, "long.scenario.json");
    writeFileSync(scenario, JSON.stringify(tiny("x".repeat(300))));
    const out = path.join(dir, "results");
    const r = await runCli(["run", scenario, "--out", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const [run] = readdirSync(out);
    expect(run!.length).toBeLessThan(100);
    expect(readdirSync(path.join(out, run!))).toContain("cases.jsonl");
  }, 120_000);

  it("a scenario nested 200,000 deep", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-deep-"));
    const scenario = path.join(dir, "deep.scenario.json");
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    writeFileSync(
      scenario,
      `{"name":"deep","servers":[],"roots":{"source":{"kind":"builtin"}},"description":${deep}}`,
    );
    const out = path.join(dir, "results");
    expectOneLine(
      await runCli(["run", scenario, "--out", out]),
      /deep\.scenario\.json: (is nested more than|not valid JSON)/,
    );
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("a FIFO as a roots path fails at once instead of hanging", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-fifo-"));
    const fifo = path.join(dir, "roots.pem");
    execFileSync("mkfifo", [fifo]);
    expectOneLine(await runCli(["roots", "inspect", fifo], 60_000), /roots\.pem: is not a regular file/);
    const scenario = path.join(dir, "f.scenario.json");
    writeFileSync(
      scenario,
      JSON.stringify({ ...tiny("f"), roots: { source: { kind: "pem", path: "roots.pem" } } }),
    );
    const out = path.join(dir, "results");
    expectOneLine(await runCli(["run", scenario, "--out", out], 60_000), /roots\.pem: is not a regular file/);
    expect(existsSync(out)).toBe(false);
    expect(statSync(fifo).isFIFO()).toBe(true);
  }, 150_000);

  it("report -o cannot overwrite the run's own cases.jsonl or manifest.json", async () => {
    const run = await mkdtemp(path.join(tmpdir(), "rootload-own-"));
    const fixture = path.join(repoRoot, "test/fixtures/runs/baseline");
    for (const f of ["manifest.json", "cases.jsonl"]) cpSync(path.join(fixture, f), path.join(run, f));
    const before = readFileSync(path.join(run, "cases.jsonl"), "utf8");
    for (const f of ["cases.jsonl", "manifest.json"])
      expectOneLine(
        await runCli(["report", run, "--format", "md", "-o", path.join(run, ".", f)]),
        new RegExp(`is the run's own ${f.replace(".", "\\.")}`),
      );
    expect(readFileSync(path.join(run, "cases.jsonl"), "utf8")).toBe(before);
  }, 60_000);
});
