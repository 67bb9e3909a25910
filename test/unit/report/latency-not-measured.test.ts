import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../../harness/model/run-manifest.ts";
import { compareRuns } from "../../../harness/report/compare.ts";
import { compareMarkdown } from "../../../harness/report/compare-markdown.ts";
import { htmlReport } from "../../../harness/report/html.ts";
import { type JsonReport, jsonReport } from "../../../harness/report/json.ts";
import { junitReport } from "../../../harness/report/junit.ts";
import { markdownReport } from "../../../harness/report/markdown.ts";
import { fixtureRun } from "./fixtures.ts";
import { findAll, parseXml } from "./xml-parse.ts";

/**
 * The baseline fixture as a functional-only run records it (`rootload run --no-latency`): the
 * manifest says latency was not measured and no case carries a figure. The integration test
 * (test/integration/run/no-latency.test.ts) checks the same reports of a real such run.
 */
async function functionalOnly(): Promise<RunRecord> {
  const run = structuredClone(await fixtureRun("baseline"));
  run.manifest.latency = "not-measured";
  for (const c of run.cases) delete c.latency;
  return run;
}

describe("reports of a functional-only run say latency was not measured", async () => {
  const measured = await fixtureRun("baseline");
  const run = await functionalOnly();

  it("markdown: a 'not measured' section instead of the latency table, and the run line says so", () => {
    const md = markdownReport(run);
    expect(md).toContain("### Handshake latency\n\n**Not measured**: this was a functional-only run");
    expect(md).not.toContain("p50 / p99");
    expect(md).toMatch(/<sub>Run .* · latency not measured/);
    // A run that measured keeps its table and says nothing of the kind.
    const withLatency = markdownReport(measured);
    expect(withLatency).toContain("### Handshake latency (p50 / p99 by configured CA list size)");
    expect(withLatency).not.toMatch(/\*\*Not measured\*\*|latency not measured/);
  });

  it("html: the latency section says 'not measured', no chart, no p50/p99 columns", () => {
    const html = htmlReport(run);
    const section = html.match(/<section id="latency">.*?<\/section>/s)?.[0] ?? "";
    expect(section).toContain("<b>Not measured</b>");
    expect(section).not.toContain("<svg");
    expect(html).not.toMatch(/<th>p50 ms<\/th>|<th>p99 ms<\/th>/);
    const withLatency = htmlReport(measured);
    expect(withLatency).toMatch(/<th>p50 ms<\/th>/);
    expect(withLatency.match(/<section id="latency">.*?<\/section>/s)?.[0]).toContain("<svg");
  });

  it("junit: every suite carries latency=not-measured, no case has p50Ms", () => {
    const root = parseXml(junitReport(run));
    for (const suite of findAll(root, "testsuite"))
      expect(
        findAll(suite, "property").some(
          (p) => p.attrs.name === "latency" && p.attrs.value === "not-measured",
        ),
      ).toBe(true);
    expect(findAll(root, "property").filter((p) => p.attrs.name === "p50Ms")).toEqual([]);
    expect(
      findAll(parseXml(junitReport(measured)), "property").filter((p) => p.attrs.name === "latency"),
    ).toEqual([]);
  });

  it("json: the summary says latencyMeasured false; the manifest latency not-measured", () => {
    const doc = JSON.parse(jsonReport(run)) as JsonReport;
    expect(doc.summary.latencyMeasured).toBe(false);
    expect(doc.manifest.latency).toBe("not-measured");
    expect(doc.summary.series.every((s) => s.latency.length === 0)).toBe(true);
    expect((JSON.parse(jsonReport(measured)) as JsonReport).summary.latencyMeasured).toBe(true);
  });

  it("compare: no latency regression either way, and the markdown says why latency was not compared", () => {
    for (const [baseline, current, side] of [
      [measured, run, "current"],
      [run, measured, "baseline"],
    ] as const) {
      const cmp = compareRuns(baseline, current, { latencyThresholdPct: 1, latencyFloorMs: 0 });
      expect(cmp.regression).toBe(false);
      expect(cmp.differences).toEqual([]);
      expect(cmp.latencyNotMeasured).toEqual([side]);
      expect(compareMarkdown(cmp)).toContain(
        `latency not compared (the ${side} run did not measure it: functional-only run)`,
      );
    }
    const both = compareRuns(run, structuredClone(run));
    expect(both.latencyNotMeasured).toEqual(["baseline", "current"]);
    expect(compareMarkdown(both)).toContain("latency not compared (neither run measured it");
    // Between two measured runs latency is compared as before.
    expect(compareRuns(measured, structuredClone(measured)).latencyNotMeasured).toEqual([]);
  });

  it("compare: a stray latency figure in a run that says it measured none is not compared", () => {
    const stray = structuredClone(run);
    stray.cases[0]!.latency = { ...measured.cases.find((c) => c.latency)!.latency!, p50Ms: 1e6, p99Ms: 1e6 };
    const cmp = compareRuns(measured, stray, { latencyThresholdPct: 1, latencyFloorMs: 0 });
    expect(cmp.differences.filter((d) => d.kind === "latency")).toEqual([]);
  });
});
