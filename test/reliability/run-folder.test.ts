import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";

/**
 * What a run does with its own folder when the folder, the disk or the state folder is hostile:
 * never writes through a link, never runs one folder twice at once, never leaves a torn line,
 * never starts on an unsafe state folder, and `merge -o` never lands on an existing run.
 */

/** 40 quick cases: s_server as a process, 20 sizes of Node's roots × TLS 1.2/1.3, the node client. */
async function scenario(dir: string): Promise<string> {
  const file = path.join(dir, "tiny.scenario.json");
  writeFileSync(
    file,
    JSON.stringify({
      name: "tiny",
      runtime: "process",
      servers: [{ driver: "openssl", tls: ["1.2", "1.3"] }],
      roots: { source: { kind: "builtin" }, sizes: Array.from({ length: 20 }, (_, i) => i + 1) },
      clients: ["node"],
      bench: { time: 10, iterations: 1 },
    }),
  );
  return file;
}

const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);
const only = (out: string) => path.join(out, readdirSync(out)[0]!);

function oneLine(r: { code: number | null; stderr: string }, code: number, pattern: RegExp) {
  expect(r.code, r.stderr.slice(-800)).toBe(code);
  const text = r.stderr.trim();
  expect(text.split("\n"), text).toHaveLength(1);
  expect(text).toMatch(pattern);
  expect(text).not.toMatch(/internal error|\bat .*\.ts:\d+/);
}

/** A finished 40-case run, cut back to its first `keep` cases (as a killed run leaves it). */
async function cutRun(keep: number): Promise<{ file: string; dir: string; work: string }> {
  const work = await mkdtemp(path.join(tmpdir(), "rootload-runfolder-"));
  const file = await scenario(work);
  const r = await runCli(["run", file, "--out", path.join(work, "out"), "--quiet"], 180_000);
  expect(r.code, r.stderr.slice(-800)).toBe(0);
  const dir = only(path.join(work, "out"));
  const kept = lines(path.join(dir, "cases.jsonl")).slice(0, keep);
  writeFileSync(path.join(dir, "cases.jsonl"), kept.map((l) => `${l}\n`).join(""));
  return { file, dir, work };
}

describe("--resume and its run folder", () => {
  it("a cases.jsonl that is a link to another file is refused; that file is neither cut nor appended to", async () => {
    const { file, dir, work } = await cutRun(12);
    const victim = path.join(work, "victim.txt");
    // An unterminated last line: the old reader cut it before appending 28 cases.
    writeFileSync(victim, "line one\nunterminated");
    rmSync(path.join(dir, "cases.jsonl"));
    symlinkSync(victim, path.join(dir, "cases.jsonl"));
    const r = await runCli(["run", file, "--resume", dir, "--quiet"], 180_000);
    oneLine(r, 2, /cases\.jsonl: is a symbolic link/);
    expect(readFileSync(victim, "utf8")).toBe("line one\nunterminated");
  }, 300_000);

  it("two --resume of one folder at once: the second refuses with one line (rc 2), the first runs each missing case once", async () => {
    const { file, dir } = await cutRun(12);
    const [a, b] = await Promise.all([
      runCli(["run", file, "--resume", dir, "--quiet"], 180_000),
      runCli(["run", file, "--resume", dir, "--quiet"], 180_000),
    ]);
    const [won, lost] = a.code === 0 ? [a, b] : [b, a];
    expect(won.code, won.stderr.slice(-800)).toBe(0);
    oneLine(lost, 2, /is in use by rootload pid \d+/);
    const ids = lines(path.join(dir, "cases.jsonl")).map((l) => JSON.parse(l).id as string);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(readFileSync(path.join(dir, "junit.xml"), "utf8")).toMatch(/tests="40"/);
    expect(existsSync(path.join(dir, ".rootload.lock"))).toBe(false);
  }, 400_000);
});

describe("merge -o", () => {
  it("onto an existing run folder is refused with one line, rc 2, the folder untouched", async () => {
    const { dir } = await cutRun(40);
    const before = readFileSync(path.join(dir, "cases.jsonl"), "utf8");
    const r = await runCli(["merge", "-o", dir, dir, dir]);
    oneLine(r, 2, /merge -o .*: already exists/);
    expect(readFileSync(path.join(dir, "cases.jsonl"), "utf8")).toBe(before);
  }, 300_000);
});

const root = process.getuid?.() === 0;

describe("a full disk", () => {
  // A small tmpfs is the disk (mounting one needs root; an ordinary user cannot fill a disk on
  // purpose without it). Cleaned up whatever happens.
  it.skipIf(!root)(
    "never leaves a torn case line; says disk full, how many cases are kept and that --resume will finish; rc 3",
    async () => {
      const work = await mkdtemp(path.join(tmpdir(), "rootload-diskfull-"));
      const file = await scenario(work);
      const mnt = path.join(work, "mnt");
      mkdirSync(mnt);
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k,mode=0755", "tmpfs", mnt]);
      try {
        const r = await runCli(["run", file, "--out", mnt, "--quiet"], 180_000);
        oneLine(r, 3, /disk full, \d+ cases kept, --resume will finish/);
        const kept = Number(/disk full, (\d+) cases kept/.exec(r.stderr)![1]);
        const dir = only(mnt);
        const text = readFileSync(path.join(dir, "cases.jsonl"), "utf8");
        expect(text.endsWith("\n")).toBe(true);
        const cases = text.split("\n").filter(Boolean);
        for (const l of cases) JSON.parse(l);
        expect(cases.length).toBe(kept);
        expect(kept).toBeGreaterThan(0);
        expect(kept).toBeLessThan(40);
        // On a disk with room, --resume finishes the run.
        const moved = path.join(work, "moved");
        cpSync(dir, moved, { recursive: true });
        const resumed = await runCli(["run", file, "--resume", moved, "--quiet"], 180_000);
        expect(resumed.code, resumed.stderr.slice(-800)).toBe(0);
        expect(lines(path.join(moved, "cases.jsonl"))).toHaveLength(40);
      } finally {
        spawnSync("umount", [mnt]);
      }
    },
    400_000,
  );
});

describe("an unsafe state folder", () => {
  it("stops a run before anything is written (one line, rc 3, no run folder)", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-unsafe-state-"));
    chmodSync(work, 0o755);
    const file = await scenario(work);
    const base = path.join(work, "tmp");
    mkdirSync(base);
    const state = path.join(base, `rootload-${process.getuid?.() ?? 0}`);
    mkdirSync(state);
    chmodSync(state, 0o777);
    const out = path.join(work, "out");
    const r = await runCli(["run", file, "--out", out, "--quiet"], 180_000, { TMPDIR: base });
    oneLine(r, 3, /state folder .* has mode 777/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(statSync(state).mode & 0o777).toBe(0o777);
  }, 300_000);
});
