import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import { runCli } from "../../support/cli.ts";

/** The README's first command, end to end through the real CLI: real openssl s_server and Node servers. */
describe("quickstart scenario", () => {
  it("runs, writes one line per planned case and the reports, and shows the OpenSSL limits", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rootload-qs-"));
    const r = await runCli(["run", "scenarios/quickstart.scenario.ts", "--out", out], 170_000);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(0);
    const [runDir] = (await import("node:fs")).readdirSync(out).map((d) => path.join(out, d));
    const cases = readFileSync(path.join(runDir!, "cases.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as CaseResult);
    const manifest = JSON.parse(readFileSync(path.join(runDir!, "manifest.json"), "utf8"));
    expect(cases).toHaveLength(manifest.plannedCases);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const f of ["summary.md", "report.html", "junit.xml"])
      expect(existsSync(path.join(runDir!, f))).toBe(true);

    const at = (server: string, policy: string, tls: string, bytes: number) =>
      cases.find(
        (c) =>
          c.server === server &&
          c.policy === policy &&
          c.tls === tls &&
          (c.configured?.caListBytes ?? 0) === bytes,
      )!;
    for (const server of ["openssl", "node"]) {
      for (const tls of ["1.2", "1.3"]) {
        expect(at(server, "all", tls, 65_481)).toSucceed();
        expect(at(server, "all", tls, 65_481)).toAdvertiseAll();
        expect(at(server, "all", tls, 65_536)).toFailWith("server-alert", "internal_error");
      }
      // Between 65,492 and 65,535 bytes only TLS 1.2 still works (the list shares TLS 1.3's extensions block).
      expect(at(server, "all", "1.2", 65_535)).toSucceed();
      expect(at(server, "all", "1.3", 65_535)).toFailWith("server-alert", "internal_error");
    }
    expect(cases.filter((c) => c.policy === "none")).toAdvertiseNone();
    expect(cases.filter((c) => c.policy === "none")).toSucceed();
    // The readable result on stdout is the Markdown summary.
    expect(r.stdout).toMatch(/openssl/);
    expect(r.stdout).toMatch(/internal_error/);
  }, 180_000);
});
