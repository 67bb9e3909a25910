import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectJson } from "../../harness/cli/roots-command.ts";
import { loadCtl } from "../../harness/roots/load-ctl.ts";
import { runCli } from "../support/cli.ts";
import { rootstores } from "../support/repo-root.ts";

const MS = path.join(rootstores, "microsoft");
const STL_2025 = path.join(MS, "2025-06-16/authroot.stl");

interface Accounting {
  total: number;
  count: number;
  excluded: Record<string, { count: number; keepWith?: string }>;
}

describe("roots inspect says what was filtered", () => {
  it("text: the 2025 CTL's 514 entries by default, as check takes it, 170 of them disabled and said so", async () => {
    const r = await runCli(["roots", "inspect", STL_2025]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^total\s+514 entries/m);
    expect(r.stdout).toMatch(
      /^disabled, kept\s+170 \(in the whole list by default, as check takes it; leave out with --exclude-disabled\)/m,
    );
    expect(r.stdout).toMatch(/^count\s+514$/m);
    // The same list, the same count, in check's header.
    const check = await runCli(["check", STL_2025, "--server", "nginx"]);
    expect(check.stdout).toMatch(/from 514 certificates/);
    const out = await runCli(["roots", "inspect", STL_2025, "--exclude-disabled"]);
    expect(out.stdout).toMatch(/^excluded \(disabled\)\s+170 \(kept without --exclude-disabled\)/m);
    expect(out.stdout).toMatch(/^count\s+344$/m);
  });

  it("json: total, excluded { purpose, disabled, notBefore } with keepWith", async () => {
    const r = await runCli(["roots", "inspect", STL_2025, "--purpose", "serverAuth", "--json"]);
    const doc = JSON.parse(r.stdout) as Accounting;
    expect(doc.total).toBe(514);
    expect(doc.excluded.purpose).toEqual({ count: 127, keepWith: "--purpose any" });
    expect(doc.excluded.disabled).toEqual({ count: 0, keepWith: "without --exclude-disabled" });
    expect(doc.count).toBe(242 + 145);
    const only = JSON.parse(
      (
        await runCli([
          "roots",
          "inspect",
          STL_2025,
          "--purpose",
          "serverAuth",
          "--exclude-disabled",
          "--json",
        ])
      ).stdout,
    ) as Accounting;
    expect(only.excluded.disabled).toEqual({ count: 145, keepWith: "without --exclude-disabled" });
    expect(only.excluded.notBefore?.keepWith).toBe("without --exclude-disabled");
    expect(only.count).toBe(242);
  });

  it("every Microsoft snapshot, any filter: total = count + every exclusion", () => {
    for (const d of readdirSync(MS).filter((x) => /^\d{4}-/.test(x))) {
      for (const filter of [
        {},
        { purpose: "serverAuth" as const },
        { purpose: "clientAuth" as const, asOf: "2030-01-01" },
        { includeDisabled: true },
      ]) {
        const doc = inspectJson(
          loadCtl({ kind: "ctl", path: path.join(MS, d, "authroot.stl"), ...filter }),
        ) as unknown as Accounting;
        const removed = Object.values(doc.excluded).reduce((n, e) => n + e.count, 0);
        expect(doc.count + removed, `${d} ${JSON.stringify(filter)}`).toBe(doc.total);
      }
    }
  });
});
