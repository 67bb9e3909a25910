import { describe, expect, it } from "vitest";
import { summarize } from "../../../harness/report/summary.ts";
import { fixtureRun } from "./fixtures.ts";

describe("summarize", async () => {
  const s = summarize(await fixtureRun("baseline"));
  const series = (key: string) => {
    const x = s.series.find((q) => q.key === key);
    if (!x) throw new Error(`no series ${key}; have ${s.series.map((q) => q.key).join(", ")}`);
    return x;
  };

  it("groups cases into server/tls/client/policy series in plan order, sized ascending", () => {
    expect(s.series.map((x) => x.key)).toEqual([
      "nginx/1.2/node/all",
      "nginx/1.3/node/all",
      "nginx/1.2/node/none",
      "nginx/1.3/node/none",
      "nginx/1.2/forge/schannel-2003",
      "openssl/1.2/node/all",
      "openssl/1.3/node/all",
      "gnutls/1.2/node/all",
      "gnutls/1.3/node/all",
    ]);
    expect(s.sizes.map((p) => p.bytes)).toEqual([
      12_233, 18_377, 38_345, 48_713, 57_545, 65_481, 65_520, 66_505, 76_745,
    ]);
    expect(series("nginx/1.2/node/all").label).toBe("nginx TLS 1.2 · all");
    expect(series("openssl/1.3/node/all").label).toBe("openssl TLS 1.3");
  });

  it("finds the largest working list and the first failure: TLS 1.3 fails 39 bytes earlier than 1.2", () => {
    const n12 = series("nginx/1.2/node/all");
    expect(n12.largestOk).toMatchObject({ count: 512, bytes: 65_520 });
    expect(n12.firstFailure).toMatchObject({
      count: 520,
      bytes: 66_505,
      outcome: { class: "server-alert", alert: "internal_error" },
    });
    const n13 = series("nginx/1.3/node/all");
    expect(n13.largestOk).toMatchObject({ count: 512, bytes: 65_481 });
    expect(n13.firstFailure).toMatchObject({ bytes: 65_520, outcome: { alert: "internal_error" } });
    expect(series("gnutls/1.2/node/all").firstFailure?.outcome.class).toBe("malformed");
    expect(series("gnutls/1.3/node/all").firstFailure?.outcome).toMatchObject({ alert: "decode_error" });
    expect(series("nginx/1.2/node/none").firstFailure).toBeNull();
  });

  it("tells truncation by policy from a list meant to be empty, and tracks the client issuer", () => {
    const sc = series("nginx/1.2/forge/schannel-2003");
    expect(sc.truncation).toEqual({
      at: { stepLabel: "144 roots", count: 144, bytes: 18_377 },
      advertisedCount: 96,
      advertisedBytes: 12_288,
      byPolicy: true,
    });
    expect(sc.issuer).toMatchObject({ kind: "cut", position: 143, advertisedCount: 96, at: { count: 144 } });
    const none = series("nginx/1.3/node/none");
    expect(none.advertisesNothing).toBe(true);
    expect(none.truncation).toBeNull();
    expect(none.issuer.kind).toBe("not-applicable");
    expect(series("nginx/1.2/node/all").issuer.kind).toBe("survived");
    expect(series("nginx/1.2/node/all").truncation).toBeNull();
  });

  it("counts outcomes and expectations, and lists the issuer-not-advertised cases", () => {
    expect(s.cases).toBe(81);
    expect(s.complete).toBe(true);
    expect(s.byOutcome).toMatchObject({
      ok: 58,
      "server-alert": 13,
      malformed: 2,
      "issuer-not-advertised": 8,
    });
    expect(s.expectations).toEqual({ total: 81, failed: 10, casesWithFailures: 10, declared: 0 });
    expect(s.issuerCuts).toHaveLength(8);
    expect(s.firstFailure).toMatchObject({ series: "nginx TLS 1.2 · schannel-2003", at: { bytes: 18_377 } });
  });

  it("keeps latency per size (ms) for completed handshakes only", () => {
    const lat = series("openssl/1.3/node/all").latency;
    expect(lat.map((l) => l.bytes)).toEqual([12_233, 18_377, 38_345, 48_713, 57_545, 65_481]);
    for (const l of lat) expect(l.p99Ms).toBeGreaterThan(l.p50Ms);
  });
});

describe("two instances of one driver (a user's template or image beside rootload's own)", async () => {
  const run = await fixtureRun("baseline");
  // The same nginx cases once more, as the plan names a second `nginx` entry: `nginx#2|…`.
  const second = run.cases.filter((c) => c.server === "nginx").map((c) => ({ ...c, id: `nginx#2|${c.id}` }));
  const s = summarize({ ...run, cases: [...run.cases, ...second] });

  it("keeps them apart: own series, labels and case keys", () => {
    const keys = s.series.map((x) => x.key);
    expect(keys).toContain("nginx/1.2/node/all");
    expect(keys).toContain("nginx#2/1.2/node/all");
    expect(s.series.find((x) => x.key === "nginx#2/1.2/node/all")?.label).toBe("nginx#2 TLS 1.2 · all");
    expect(s.series.find((x) => x.key === "nginx#2/1.2/node/all")?.cases).toHaveLength(
      s.series.find((x) => x.key === "nginx/1.2/node/all")!.cases.length,
    );
  });
});
