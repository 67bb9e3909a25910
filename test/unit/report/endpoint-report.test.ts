import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import { clientMapChart, failureMapChart } from "../../../harness/report/chart-failure-map.ts";
import { htmlReport } from "../../../harness/report/html.ts";
import { summarize } from "../../../harness/report/summary.ts";
import { chartMarkup as chart, countMatches as count } from "../../support/chromium.ts";
import { fixtureRun } from "./fixtures.ts";

/**
 * An endpoint is tested as configured: its cases have no configured list (absent, not zero).
 * The charts place such a case by what it advertised, so every case has its cell and its dot.
 */
describe("the report of an endpoint run", async () => {
  const base = await fixtureRun("baseline");
  // Two running servers as an endpoint run records them (one step, no configured list): the
  // fixture's nginx at 450 roots (its list sent whole) and gnutls at 600 (past its limit).
  const at = { nginx: ["endpoint", "450 roots"], gnutls: ["endpoint#2", "600 roots"] } as const;
  const cases: CaseResult[] = base.cases
    .filter(
      (c) => c.server in at && c.policy === "all" && c.step.label === at[c.server as keyof typeof at][1],
    )
    .map(({ configured: _c, intended: _i, limitHeadroomBytes: _l, clientIssuer: _ci, ...c }) => ({
      ...c,
      server: at[c.server as keyof typeof at][0],
      policy: "as-configured",
      step: { index: 0, label: "endpoint" },
    }));
  const run = { ...base, cases };
  const html = htmlReport(run);

  it("has a coloured cell for every case in the failure map and the client map, none grey", () => {
    expect(cases.length).toBe(4);
    expect(new Set(cases.map((c) => c.outcome.class)).size).toBeGreaterThan(1);
    const s = summarize(run);
    for (const [name, map] of [
      ["failure-map", chart(html, "failure-map")],
      ["client-map", clientMapChart(s)],
      ["failure-map (direct)", failureMapChart(s)],
    ] as const) {
      expect(count(map, /class="mark cell"/g), name).toBe(cases.length);
      expect(count(map, /class="cell-empty"/g), name).toBe(0);
    }
  });

  it("heads each column with the size sent on the wire, not 0 B configured", () => {
    const s = summarize(run);
    const sent = cases.filter((c) => c.advertised).map((c) => c.advertised!.bytes);
    expect(s.sizes.every((p) => p.onWire)).toBe(true);
    for (const b of sent) expect(s.sizes.some((p) => p.bytes === b)).toBe(true);
    const map = chart(html, "failure-map");
    expect(map).toMatch(/>sent [\d,]+ B</);
  });

  it("draws the advertised dots where the list was advertised, not at x = 0", () => {
    const adv = chart(html, "advertised");
    const dots = [...adv.matchAll(/<circle[^>]*data-bytes="(\d+)"/g)].map((m) => Number(m[1]));
    const sent = cases.filter((c) => c.advertised).map((c) => c.advertised!.bytes);
    expect(sent.length).toBeGreaterThan(0);
    expect(dots.sort()).toEqual(sent.sort());
    expect(dots.every((b) => b > 0)).toBe(true);
    // The panel's x = 0 is its left edge; a dot there would say "0 bytes".
    const xs = [...adv.matchAll(/<circle cx="([\d.]+)"[^>]*class="mark"/g)].map((m) => Number(m[1]));
    const lefts = [...adv.matchAll(/<circle cx="([\d.]+)"[^>]*class="mark"[^>]*data-bytes="0"/g)];
    expect(xs.length).toBe(dots.length);
    expect(lefts).toEqual([]);
  });
});
