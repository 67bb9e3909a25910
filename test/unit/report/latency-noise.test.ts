import { describe, expect, it } from "vitest";
import type { CaseResult, Latency } from "../../../harness/model/case-result.ts";
import { compareRuns } from "../../../harness/report/compare.ts";
import { compareMarkdown } from "../../../harness/report/compare-markdown.ts";
import { latencyNoise, p50StandardError } from "../../../harness/report/latency-noise.ts";
import { fixtureRun } from "./fixtures.ts";

const lat = (p50Ms: number, p99Ms: number, samples: number): Latency => ({
  samples,
  meanMs: p50Ms,
  p50Ms,
  p99Ms,
  hz: 1000 / p50Ms,
  clock: "handshake",
});

describe("latency noise", async () => {
  const baseline = await fixtureRun("baseline");
  const withLatency = (run: typeof baseline, client: string) =>
    run.cases.filter((c) => c.latency && c.client === client);
  const byId = (run: typeof baseline, id: string) => run.cases.find((c) => c.id === id)!;

  it("two runs of the same list on a loaded machine: the node case that moved +592% is within noise, not a regression", () => {
    const before = structuredClone(baseline);
    const after = structuredClone(baseline);
    const [slow, fast] = withLatency(before, "node") as [CaseResult, CaseResult];
    // Measured shapes (issue 22): 3 ms with a tight spread, then 20.8 ms with p99 55 ms, 12 samples.
    slow.latency = lat(3.0, 6.2, 12);
    byId(after, slow.id).latency = lat(20.78, 55.4, 12);
    // The same run moved another node case the other way.
    fast.latency = lat(20.0, 55.0, 12);
    byId(after, fast.id).latency = lat(2.8, 6.2, 12);
    const cmp = compareRuns(before, after);
    const moved = cmp.differences.filter((d) => d.kind === "latency");
    expect(moved.map((d) => d.key).sort()).toEqual(
      [slow, fast].map((c) => `${c.server}/${c.tls}/${c.client}/${c.policy}/${c.step.label}`).sort(),
    );
    for (const d of moved) {
      expect(d.severity).toBe("change");
      expect(d.kind === "latency" && d.noise).toMatch(/^within noise/);
    }
    expect(cmp.regression).toBe(false);
    const md = compareMarkdown(cmp);
    expect(md).toMatch(/latency \+592\.\d% \(within noise/);
    expect(md.split("\n")[0]).not.toContain("❌");
  });

  it("a change inside the case's own spread is within noise: a few samples with a long tail", () => {
    const v = latencyNoise(lat(3, 40, 8), lat(4.5, 42, 8), 0);
    expect(v.within).toBe(true);
    expect(v.within && v.why).toContain("standard error");
  });

  it("a shift of every case of a client, far past their spreads, is a regression", () => {
    const after = structuredClone(baseline);
    for (const c of withLatency(after, "node"))
      c.latency = { ...c.latency!, p50Ms: c.latency!.p50Ms * 1.6, p99Ms: c.latency!.p99Ms * 1.6 };
    const cmp = compareRuns(baseline, after);
    const moved = cmp.differences.filter((d) => d.kind === "latency");
    expect(moved.length).toBe(withLatency(after, "node").length);
    expect(moved.every((d) => d.severity === "regression")).toBe(true);
    expect(cmp.regression).toBe(true);
  });

  it("figures taken with different clocks are not compared as a regression", () => {
    const v = latencyNoise({ ...lat(3, 4, 200), clock: undefined }, lat(20, 21, 200), 0);
    expect(v).toMatchObject({ within: true, why: expect.stringContaining("not comparable") });
  });

  it("the standard error of a p50 follows the spread and the samples", () => {
    expect(p50StandardError(lat(2, 2, 50))).toBe(0);
    expect(p50StandardError(lat(2, 4.326, 100))).toBeCloseTo(0.12533, 4);
    expect(p50StandardError(lat(2, 4.326, 400))).toBeCloseTo(0.062665, 4);
  });
});
