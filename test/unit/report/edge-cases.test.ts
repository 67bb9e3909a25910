import { describe, expect, it } from "vitest";
import { compareRuns } from "../../../harness/report/compare.ts";
import { htmlReport } from "../../../harness/report/html.ts";
import { jsonReport } from "../../../harness/report/json.ts";
import { junitReport } from "../../../harness/report/junit.ts";
import { markdownReport } from "../../../harness/report/markdown.ts";
import { fixtureRun } from "./fixtures.ts";
import { parseXml } from "./xml-parse.ts";

describe("reports on unusual runs", async () => {
  const base = await fixtureRun("baseline");

  it("render a run killed before its first case", () => {
    const { endedAt: _, ...manifest } = base.manifest;
    const empty = { manifest, cases: [] };
    expect(markdownReport(empty)).toContain("0 of 81 planned cases recorded");
    expect(htmlReport(empty)).toContain('data-chart="failure-map"');
    expect(parseXml(junitReport(empty)).attrs).toMatchObject({ tests: "0", failures: "0" });
    expect(JSON.parse(jsonReport(empty)).summary.cases).toBe(0);
    expect(compareRuns(base, empty).removed).toHaveLength(81);
    expect(compareRuns(base, empty).regression).toBe(true);
  });

  it("say 'no expectations set' instead of pass/fail when the scenario had none", () => {
    const cases = base.cases.map(({ expectations: _, ...c }) => c);
    const md = markdownReport({ ...base, cases });
    expect(md.split("\n")[0]).toBe("## rootload: 23 of 81 handshakes failed (no expectations set)");
    expect(htmlReport({ ...base, cases })).toContain('<p class="verdict info">');
  });

  it("an interrupted run (Ctrl-C) of a scenario with expectations never says 'no expectations set'", () => {
    const { endedAt: _, ...rest } = base.manifest;
    const manifest = { ...rest, interruptedAt: "2026-12-07T19:00:00.000Z", expectations: 3 };
    // Stopped before any case an expectation selects: the recorded cases carry no checks.
    const early = base.cases.slice(0, 5).map(({ expectations: _e, ...c }) => c);
    const head = (cases: typeof base.cases) => markdownReport({ manifest, cases }).split("\n")[0];
    expect(head(early)).not.toContain("no expectations set");
    expect(head(early)).toMatch(
      /^## rootload: \d+ of 5 handshakes failed; none of the scenario's 3 expectations applies to the cases recorded \(the run stopped early\)$/,
    );
    expect(htmlReport({ manifest, cases: early })).not.toContain("no expectations set");
    // Stopped after some checks held: a pass so far, not a pass.
    const held = base.cases.slice(0, 20).map((c) => ({
      ...c,
      expectations: c.expectations?.map((e) => ({ ...e, pass: true })),
    }));
    expect(head(held)).toMatch(/^## rootload: ✅ PASS so far: all \d+ expectations held/);
  });

  it("say PASS when every expectation held", () => {
    const cases = base.cases.map((c) => ({
      ...c,
      expectations: c.expectations?.map((e) => ({ ...e, pass: true })),
    }));
    expect(markdownReport({ ...base, cases }).split("\n")[0]).toBe(
      "## rootload: ✅ PASS: all 81 expectations held (23 of 81 handshakes failed as expected)",
    );
  });

  it("flag truncation the server did on its own, apart from truncation by policy", () => {
    const cases = structuredClone(base.cases);
    const c = cases.find((k) => k.id === "openssl-1.2-node-all-450")!;
    c.advertised = { ...c.advertised!, count: 128, bytes: 16_384, missing: 322 };
    const md = markdownReport({ ...base, cases });
    expect(md).toContain("yes, **by the server**, from 450 names: 128 sent (16,384 B)");
  });
});
