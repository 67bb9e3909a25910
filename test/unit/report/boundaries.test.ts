import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import type { Outcome } from "../../../harness/model/outcome.ts";
import { boundaries, boundaryText } from "../../../harness/report/boundaries.ts";
import { compareRuns } from "../../../harness/report/compare.ts";
import { compareMarkdown } from "../../../harness/report/compare-markdown.ts";
import { markdownReport } from "../../../harness/report/markdown.ts";

const OK: Outcome = { class: "ok" };
const BIG: Outcome = { class: "excessive-size", side: "client", detail: "too big" };

/** A bisected case at `size` names of a synthetic series (100 B per name, message = list + 52 B). */
function at(
  size: number,
  outcome: Outcome,
  opts: { client?: string; judged?: boolean; series?: string } = {},
): CaseResult {
  const client = opts.client ?? "java";
  const bytes = size * 100;
  return {
    id: `openssl|all|bisect n=${size}|tls1.2|${client}`,
    server: "openssl",
    tls: "1.2",
    client,
    policy: "all",
    step: { index: 10 + size, label: `bisect n=${size}` },
    configured: { count: size, caListBytes: bytes },
    advertised: {
      count: size,
      bytes,
      missing: 0,
      extra: 0,
      duplicates: 0,
      inOrder: true,
      messageBytes: bytes + 52,
    },
    clientIssuerAdvertised: true,
    probeOutcome: OK,
    outcome,
    bisect: {
      series: opts.series ?? "openssl|all|tls1.2|bisect",
      by: "names",
      size,
      from: 100,
      to: 515,
      until: "non-ok",
      judged: opts.judged ?? true,
      past: outcome.class !== "ok",
    },
    startedAt: "2026-11-28T00:00:00.000Z",
    durationMs: 1,
  };
}

describe("boundaries", () => {
  it("rebuilds a found boundary from the cases, in any order, and says it in one line", () => {
    const cases = [at(100, OK), at(515, BIG), at(307, BIG), at(302, OK), at(303, BIG), at(203, OK)];
    const [b] = boundaries(cases.reverse());
    expect(b).toMatchObject({ status: "found", width: 1, probes: 6, judged: ["java"] });
    expect(b!.lastBefore).toMatchObject({ size: 302, count: 302, bytes: 30_200, messageBytes: 30_252 });
    expect(b!.firstPast).toMatchObject({ size: 303, messageBytes: 30_352, outcome: BIG });
    expect(boundaryText(b!)).toBe(
      "boundary: largest ok 302 names / 30,200 B (message 30,252 B), first fail 303 names / 30,300 B (message 30,352 B): excessive-size · client side; one name wide, 6 reloads",
    );
    const md = markdownReport({
      manifest: {
        runId: "r",
        scenario: { name: "s", file: "s.ts", hash: "h" },
        startedAt: "2026-11-28T00:00:00.000Z",
        endedAt: "2026-11-28T00:01:00.000Z",
        runtime: "process",
        servers: [],
        node: "20",
        openssl: "3",
        plannedCases: 0,
      },
      cases,
    });
    expect(md).toContain(
      "| openssl TLS 1.2 | all | java | 100..515 names, until non-ok | 302 names / 30,200 B (message 30,252 B) |",
    );
    expect(md).toContain("| 1 name (exact) | 6 |");
  });

  it("a run stopped before every planned search ran is incomplete, and says so", () => {
    const { endedAt: _, ...manifest } = {
      runId: "r",
      scenario: { name: "s", file: "s.ts", hash: "h" },
      startedAt: "2026-11-28T00:00:00.000Z",
      endedAt: "x",
      runtime: "process",
      servers: [],
      node: "20",
      openssl: "3",
      plannedCases: 0,
      plannedBisects: 2,
    };
    const md = markdownReport({ manifest, cases: [at(100, OK), at(515, BIG)] });
    expect(md).toContain(
      "Incomplete run:** 0 of 0 planned cases recorded (and cases of 1 of 2 bisected searches)",
    );
  });

  it("only judged clients decide; the others are recorded beside them", () => {
    const cases = [at(100, OK), at(100, BIG, { client: "go", judged: false }), at(101, BIG)];
    expect(boundaries(cases)[0]).toMatchObject({
      status: "found",
      judged: ["java"],
      lastBefore: { size: 100 },
    });
  });

  it("names a range that missed the boundary, a search that stopped, and a limit that is not monotonic", () => {
    expect(boundaries([at(100, BIG)])[0]).toMatchObject({ status: "past-at-from", lastBefore: null });
    expect(boundaryText(boundaries([at(100, BIG)])[0]!)).toContain("already past at 100 names (lower from)");
    expect(boundaries([at(100, OK), at(515, OK)])[0]).toMatchObject({
      status: "none-in-range",
      firstPast: null,
    });
    expect(boundaries([at(100, OK), at(515, BIG), at(307, BIG)])[0]).toMatchObject({
      status: "open",
      width: 207,
    });
    expect(boundaries([at(100, OK), at(515, BIG), at(307, BIG), at(400, OK)])[0]).toMatchObject({
      status: "inconsistent",
    });
    // Two searches of one run stay apart.
    expect(boundaries([at(100, OK), at(101, BIG, { series: "x" })]).map((b) => b.series)).toEqual([
      "openssl|all|tls1.2|bisect",
      "x",
    ]);
  });
});

describe("compare of bisected runs", () => {
  const manifest = (runId: string) => ({
    runId,
    scenario: { name: "s", file: "s.ts", hash: "h" },
    startedAt: "2026-11-28T00:00:00.000Z",
    endedAt: "2026-11-28T00:01:00.000Z",
    runtime: "process",
    servers: [],
    node: "20",
    openssl: "3",
    plannedCases: 0,
  });
  const baseline = {
    manifest: manifest("a"),
    cases: [at(100, OK), at(515, BIG), at(307, BIG), at(302, OK), at(303, BIG)],
  };

  it("the same search is no difference", () => {
    const cmp = compareRuns(baseline, { manifest: manifest("b"), cases: baseline.cases });
    expect(cmp).toMatchObject({ regression: false, boundaryChanges: [], removed: [] });
  });

  it("a boundary that moved down is one regression, not a list of probes gone", () => {
    const lower = [at(100, OK), at(515, BIG), at(307, BIG), at(203, OK), at(255, BIG), at(254, OK)];
    const cmp = compareRuns(baseline, { manifest: manifest("b"), cases: lower });
    expect(cmp.removed).toEqual([]);
    expect(cmp.boundaryChanges).toEqual([
      expect.objectContaining({
        series: "openssl|all|tls1.2|bisect",
        severity: "regression",
        before: expect.objectContaining({ lastBefore: 302, firstPast: 303 }),
        after: expect.objectContaining({ lastBefore: 254, firstPast: 255 }),
      }),
    ]);
    expect(cmp).toMatchObject({ regression: true, regressions: 1 });
    expect(compareMarkdown(cmp)).toContain(
      "| ❌ | `openssl\\|all\\|tls1.2\\|bisect` | last before 302 names / 30,200 B (message 30,252 B), first past 303 names",
    );
    // …and the other way round, an improvement.
    const back = compareRuns({ manifest: manifest("b"), cases: lower }, baseline);
    expect(back).toMatchObject({ regression: false, improvements: 1 });
  });

  it("a search the current run no longer makes is a regression (its cases are gone)", () => {
    const cmp = compareRuns(baseline, { manifest: manifest("b"), cases: [] });
    expect(cmp.removed).toHaveLength(5);
    expect(cmp.boundaryChanges[0]).toMatchObject({
      severity: "regression",
      after: { text: "no such search" },
    });
  });
});
