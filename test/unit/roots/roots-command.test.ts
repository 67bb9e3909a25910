import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadPem } from "../../../harness/roots/load-pem.ts";
import { runCliInProcess } from "../../support/cli.ts";
import { dataPath, repoRoot } from "./data.ts";

const run = promisify(execFile);
const bin = join(repoRoot, "bin/rootload.js");

/** Run the real CLI in a child process (exit code and streams as a user sees them). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const stl = dataPath("microsoft", "2025-06-16", "authroot.stl");

describe("rootload roots", () => {
  it("inspect --json: the documented fields", async () => {
    const r = await runCliInProcess(["roots", "inspect", stl, "--include-disabled", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      source: stl,
      kind: "ctl",
      count: 514,
      caListBytes: 56_306,
      thisUpdate: "2025-06-16T17:56:11.000Z",
      sequenceNumber: "1401DBDEE7F1A4F449",
      signature: "valid",
      missingCerts: [],
    });
    const e0 = j.entries[0];
    expect(e0).toEqual({
      sha1: "cdd4eeae6000ac7f40c3802c171e30148030c072",
      sha256: "885de64c340e3ea70658f01e1145f957fcda27aabeea1ab9faa9fdb0102d4077",
      subject: "CN=Microsoft Root Certificate Authority,DC=microsoft,DC=com",
      subjectDerBytes: e0.subjectDerBytes,
      ekus: [],
      disallowedSince: "2021-08-01T00:00:00.000Z",
      notBefore: "2017-04-30T00:00:00.000Z",
      friendlyName: "Microsoft Root Certificate Authority",
      disabled: true,
    });
    expect(j.entries.filter((e: { disabled?: boolean }) => e.disabled)).toHaveLength(170);
    expect(
      j.entries.reduce((n: number, e: { subjectDerBytes: number }) => n + 2 + e.subjectDerBytes, 0),
    ).toBe(56_306);
  });

  it("inspect: filters and the summary table", async () => {
    const r = await runCliInProcess([
      "roots",
      "inspect",
      stl,
      "--purpose",
      "serverAuth",
      "--as-of",
      "2025-07-01",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^count\s+\d+$/m);
    expect(r.stdout).toMatch(/^fit in 16384 B\s+\d+ in store order, \d+ sorted by subject$/m);
    expect(r.stdout).toMatch(/^signature\s+valid$/m);
    const bad = await runCliInProcess(["roots", "inspect", stl, "--purpose", "email"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--purpose: "email" is not one of/);
    const badDate = await runCliInProcess(["roots", "inspect", stl, "--as-of", "yesterday-ish"]);
    expect(badDate.code).toBe(2);
    const notCtl = await runCliInProcess(["roots", "inspect", "builtin", "--include-disabled"]);
    expect(notCtl.code).toBe(2);
    expect(notCtl.stderr).toMatch(/--include-disabled only apply to CTLs, and this is builtin/);
    const certdata = dataPath("mozilla", "2025-06-19", "certdata.txt");
    const any = await runCliInProcess(["roots", "inspect", certdata, "--purpose", "any", "--json"]);
    expect(JSON.parse(any.stdout).count).toBe(176);
  });

  it("export --format pem writes a bundle that loads back; der-dir writes one file per root", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rootload-export-"));
    const pem = join(dir, "out.pem");
    const r = await runCliInProcess([
      "roots",
      "export",
      stl,
      "--purpose",
      "serverAuth",
      "--format",
      "pem",
      "-o",
      pem,
    ]);
    expect(r.code).toBe(0);
    // The whole list by default (as check takes it): serverAuth entries, disabled ones included and said.
    expect(loadPem({ kind: "pem", path: pem }).count).toBe(242 + 145);
    expect(r.stderr).toContain("145 of them disabled by Microsoft");
    const der = join(dir, "der");
    expect(
      (await runCliInProcess(["roots", "export", "builtin", "--format", "der-dir", "-o", der])).code,
    ).toBe(0);
    expect(readdirSync(der).length).toBeGreaterThan(100);
    expect(readdirSync(dir).some((f) => f.includes(".tmp-"))).toBe(false);
    const again = await runCliInProcess(["roots", "export", "builtin", "--format", "der-dir", "-o", der]);
    expect(again.code).toBe(2);
  });

  it("bad input through the real binary: one line, exit 2, no output file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rootload-badcli-"));
    const bad = join(dir, "authroot.stl");
    writeFileSync(bad, Buffer.from("3082ffff0609", "hex"));
    const out = join(dir, "out.pem");
    const [inspect, exp] = await Promise.all([
      cli("roots", "inspect", bad),
      cli("roots", "export", bad, "--format", "pem", "-o", out),
    ]);
    for (const r of [inspect, exp]) {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(bad);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(["authroot.stl"]);
  });
});
