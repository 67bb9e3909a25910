import { describe, expect, it } from "vitest";
import type { RunServer } from "../../../harness/model/run-manifest.ts";
import { compareRuns } from "../../../harness/report/compare.ts";
import { compareMarkdown } from "../../../harness/report/compare-markdown.ts";
import { fixtureRun } from "./fixtures.ts";

describe("compareRuns", async () => {
  const baseline = await fixtureRun("baseline");
  const regressed = await fixtureRun("regressed");

  it("passes identical runs", () => {
    const cmp = compareRuns(baseline, structuredClone(baseline));
    expect(cmp.regression).toBe(false);
    expect(cmp.differences).toEqual([]);
    expect(cmp.versionChanges).toEqual([]);
    expect(cmp.matched).toBe(81);
    expect(cmp.added).toEqual([]);
    expect(cmp.removed).toEqual([]);
    expect(compareMarkdown(cmp).split("\n")[0]).toBe("## rootload compare: ✅ no regression");
  });

  it("detects an outcome regression, a slower handshake, and added/removed cases", () => {
    const cmp = compareRuns(baseline, regressed);
    expect(cmp.regression).toBe(true);
    expect(cmp.matched).toBe(80);
    expect(cmp.added).toEqual(["gnutls/1.3/node/all/700 roots"]);
    expect(cmp.removed).toEqual(["nginx/1.2/node/none/96 roots"]);
    const outcome = cmp.differences.find((d) => d.kind === "outcome");
    expect(outcome).toEqual({
      kind: "outcome",
      key: "nginx/1.3/node/all/512 roots",
      severity: "regression",
      before: { class: "ok" },
      after: { class: "server-alert", alert: "internal_error" },
    });
    const latency = cmp.differences.find((d) => d.kind === "latency");
    expect(latency).toMatchObject({ key: "openssl/1.2/node/all/450 roots", severity: "regression" });
    expect(latency?.kind === "latency" && latency.change).toBeCloseTo(0.4, 2);
    const expectation = cmp.differences.find((d) => d.kind === "expectation");
    expect(expectation).toMatchObject({
      key: "nginx/1.3/node/all/512 roots",
      expect: "ok",
      before: true,
      after: false,
    });
    expect(cmp.regressions).toBe(3);
    expect(cmp.versionChanges).toEqual([
      { server: "nginx", component: "openssl", before: "3.0.17", after: "3.0.18" },
      { server: "openssl", component: "openssl", before: "3.0.17", after: "3.0.18" },
    ]);
  });

  it("names versions by server instance: two of one driver (a user's image beside rootload's) in any order", () => {
    const withImage = (run: typeof baseline, image: string, order: "as-planned" | "reversed") => {
      const r = structuredClone(run);
      const servers: RunServer[] = [
        { server: "nginx", driver: "nginx", versions: { nginx: "1.22.1" } },
        { server: "nginx#2", driver: "nginx", versions: { nginx: "1.25.3", image } },
      ];
      r.manifest.servers = order === "as-planned" ? servers : servers.reverse();
      return r;
    };
    // Series end in any order under --jobs: entries in another order are no change.
    const same = compareRuns(
      withImage(baseline, "myorg/nginx:prod", "as-planned"),
      withImage(baseline, "myorg/nginx:prod", "reversed"),
    );
    expect(same.versionChanges).toEqual([]);
    const moved = compareRuns(
      withImage(baseline, "myorg/nginx:prod", "as-planned"),
      withImage(baseline, "myorg/nginx:next", "reversed"),
    );
    expect(moved.versionChanges).toEqual([
      { server: "nginx#2", component: "image", before: "myorg/nginx:prod", after: "myorg/nginx:next" },
    ]);
    expect(compareMarkdown(moved)).toContain("nginx#2 image myorg/nginx:prod → myorg/nginx:next");
  });

  it("honours the latency threshold (percent)", () => {
    const cmp = compareRuns(baseline, regressed, { latencyThresholdPct: 50 });
    expect(cmp.latencyThresholdPct).toBe(50);
    expect(cmp.differences.some((d) => d.kind === "latency")).toBe(false);
    expect(cmp.regression).toBe(true);
  });

  it("reads the reverse direction as an improvement (latency aside); only the vanished case still fails it", () => {
    const cmp = compareRuns(regressed, baseline, { latencyThresholdPct: 50 });
    expect(cmp.regressions).toBe(0);
    expect(cmp.improvements).toBe(2);
    expect(cmp.removed).toEqual(["gnutls/1.3/node/all/700 roots"]);
    expect(cmp.regression).toBe(true);
  });

  it("reports an advertised-list change and a lost client issuer", () => {
    const current = structuredClone(baseline);
    const c = current.cases.find((k) => k.id === "nginx-1.2-node-all-144")!;
    c.advertised = { ...c.advertised!, count: 96, bytes: 12_288, missing: 48 };
    c.clientIssuerAdvertised = false;
    const cmp = compareRuns(baseline, current);
    expect(cmp.differences).toEqual([
      {
        kind: "advertised",
        key: "nginx/1.2/node/all/144 roots",
        severity: "regression",
        before: { count: 144, bytes: 18_377, missing: 0, extra: 0 },
        after: { count: 96, bytes: 12_288, missing: 48, extra: 0 },
        clientIssuerBefore: true,
        clientIssuerAfter: false,
      },
    ]);
    expect(compareMarkdown(cmp)).toContain(
      "| ❌ | `nginx/1.2/node/all/144 roots` | advertised list | 144 names / 18,377 B, issuer advertised | 96 names / 12,288 B, 48 missing, issuer cut |",
    );
  });

  it("renders markdown with regressions first", () => {
    const md = compareMarkdown(compareRuns(baseline, regressed));
    expect(md.split("\n")[0]).toBe("## rootload compare: ❌ 3 regression(s), 1 baseline case(s) gone");
    expect(md).toContain("80 cases matched, 1 added, 1 removed");
    expect(md).toContain("Versions changed: nginx openssl 3.0.17 → 3.0.18; openssl openssl 3.0.17 → 3.0.18.");
    expect(md).toContain(
      "| ❌ | `nginx/1.3/node/all/512 roots` | outcome | ok | server-alert (internal_error) |",
    );
    expect(md).toMatch(/\| ❌ \| `openssl\/1\.2\/node\/all\/450 roots` \| latency \+40\.0% \|/);
    expect(md).toContain("**Added cases** (1):");
    expect(md).toContain("- `nginx/1.2/node/none/96 roots`");
  });
});

describe("compareRuns and outcome.side", async () => {
  const baseline = await fixtureRun("baseline");
  const failing = baseline.cases.find((c) => c.outcome.class !== "ok")!;
  const withSide = (side: "server" | "client" | undefined) => {
    const run = structuredClone(baseline);
    const c = run.cases.find((x) => x.id === failing.id)!;
    c.outcome = { ...(c.outcome as Exclude<typeof c.outcome, { class: "ok" }>) };
    if (side) c.outcome.side = side;
    else delete c.outcome.side;
    return run;
  };
  it("a failure that moves from the server to the client is a changed outcome", () => {
    const cmp = compareRuns(withSide("server"), withSide("client"));
    expect(cmp.regression).toBe(true);
    expect(cmp.differences).toMatchObject([{ kind: "outcome", key: expect.any(String) }]);
    expect(compareMarkdown(cmp)).toContain("server side");
  });
  it("a record without side (older than side) compares as unknown, not as a change", () => {
    expect(compareRuns(withSide(undefined), withSide("client")).differences).toEqual([]);
    expect(compareRuns(withSide("server"), withSide(undefined)).differences).toEqual([]);
  });
});
