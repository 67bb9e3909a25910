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
