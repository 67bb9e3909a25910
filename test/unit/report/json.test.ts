import { describe, expect, it } from "vitest";
import { type JsonReport, jsonReport } from "../../../harness/report/json.ts";
import { fixtureRun } from "./fixtures.ts";

describe("jsonReport", () => {
  it("is one JSON document: manifest, computed summary, cases", async () => {
    const run = await fixtureRun("baseline");
    const doc = JSON.parse(jsonReport(run)) as JsonReport;
    expect(doc.format).toBe("rootload-run");
    expect(doc.version).toBe(1);
    expect(doc.manifest).toEqual(run.manifest);
    expect(doc.cases).toEqual(run.cases);
    expect(doc.summary.series).toHaveLength(9);
    const n13 = doc.summary.series.find((s) => s.key === "nginx/1.3/node/all")!;
    expect(n13.largestOk).toMatchObject({ count: 512, bytes: 65_481 });
    expect(n13.caseIds).toHaveLength(9);
    expect("cases" in n13).toBe(false);
    expect(doc.summary.expectations.failed).toBe(10);
  });
});
