import { describe, expect, it } from "vitest";
import type { Outcome } from "../../../harness/model/outcome.ts";
import {
  bisectCaseId,
  bisection,
  matchesUntil,
  maxProbes,
  ownsCaseId,
  planBisects,
  untilText,
} from "../../../harness/run/bisect.ts";
import { planCases, shardWork } from "../../../harness/run/plan.ts";
import type { Scenario } from "../../../harness/scenario/define-scenario.ts";

/** Drive the search against a rule "past from `edge` on"; the sizes it probed, in order. */
function search(from: number, to: number, edge: number) {
  const probed: number[] = [];
  const gen = bisection(from, to);
  let next = gen.next();
  while (!next.done) {
    probed.push(next.value);
    next = gen.next(next.value >= edge);
  }
  return { probed, end: next.value };
}

describe("bisection", () => {
  it("finds every boundary of a range one unit wide, within 2 + ⌈log2(to − from)⌉ probes", () => {
    for (const [from, to] of [
      [1, 2],
      [100, 515],
      [30_000, 36_000],
      [7, 8_192],
    ] as const)
      for (let edge = from + 1; edge <= to; edge += Math.max(1, Math.floor((to - from) / 97))) {
        const { probed, end } = search(from, to, edge);
        expect(end).toEqual({ kind: "found", lastBefore: edge - 1, firstPast: edge });
        expect(probed.length).toBeLessThanOrEqual(maxProbes(from, to));
        expect(new Set(probed).size).toBe(probed.length);
        expect(probed.slice(0, 2)).toEqual([from, to]);
      }
    // 100..515: 415 sizes apart, so 2 + 9 probes at most.
    expect(maxProbes(100, 515)).toBe(11);
  });

  it("stops after one probe when `from` is already past, after two when `to` is not", () => {
    expect(search(100, 515, 50)).toEqual({ probed: [100], end: { kind: "past-at-from" } });
    expect(search(100, 515, 600)).toEqual({ probed: [100, 515], end: { kind: "none-in-range" } });
  });
});

describe("until", () => {
  const excessive: Outcome = { class: "excessive-size", side: "client", detail: "x" };
  const alert: Outcome = { class: "server-alert", alert: "internal_error", side: "server" };
  it("non-ok by default; a pattern matches on every field it sets", () => {
    expect(matchesUntil("non-ok", { class: "ok" })).toBe(false);
    expect(matchesUntil("non-ok", alert)).toBe(true);
    expect(matchesUntil({ outcome: "excessive-size", side: "client" }, excessive)).toBe(true);
    expect(matchesUntil({ outcome: "excessive-size", side: "server" }, excessive)).toBe(false);
    expect(matchesUntil({ outcome: ["malformed", "server-alert"], alert: "internal_error" }, alert)).toBe(
      true,
    );
    expect(matchesUntil({ alert: "decode_error" }, alert)).toBe(false);
    // A record older than `side` reads as unknown.
    expect(matchesUntil({ side: "unknown" }, { class: "reset" })).toBe(true);
    expect(untilText({ outcome: "excessive-size", side: "client" })).toBe(
      "outcome excessive-size, side client",
    );
  });
});

const scenario: Scenario = {
  name: "t",
  servers: [
    { driver: "openssl", policy: ["all", "none"] },
    { driver: "nginx", tls: ["1.3"] },
    { driver: "endpoint", address: "127.0.0.1:1" },
  ],
  roots: {
    source: { kind: "synthetic", count: 10 },
    sizes: [5],
    bisect: [
      { from: 2, to: 10 },
      { by: "bytes", from: 1_000, to: 2_000, client: "java" },
    ],
  },
  clients: ["forge", "java", { name: "java", properties: { "jdk.tls.maxHandshakeMessageSize": "65536" } }],
};

describe("planBisects", () => {
  const bisects = planBisects(scenario, 100, 1);
  it("one series per server instance × policy × TLS version × entry; endpoints are not grown", () => {
    expect(bisects.map((b) => b.key)).toEqual([
      "openssl|all|tls1.2|bisect",
      "openssl|all|tls1.2|bisect#2",
      "openssl|all|tls1.3|bisect",
      "openssl|all|tls1.3|bisect#2",
      "openssl|none|tls1.2|bisect",
      "openssl|none|tls1.2|bisect#2",
      "openssl|none|tls1.3|bisect",
      "openssl|none|tls1.3|bisect#2",
      "nginx|all|tls1.3|bisect",
      "nginx|all|tls1.3|bisect#2",
    ]);
    // forge speaks TLS 1.2 only; `client` narrows the series to the clients it names.
    expect(bisects[0]!.clients.map((c) => c.label)).toEqual([
      "forge",
      "java",
      "java+maxHandshakeMessageSize=65536",
    ]);
    expect(bisects[2]!.clients.map((c) => c.label)).toEqual(["java", "java+maxHandshakeMessageSize=65536"]);
    expect(bisects[1]!.judged).toEqual(["java"]);
  });

  it("gives every possible case its own plan position and id, after the fixed plan", () => {
    const positions = new Set<number>();
    const ids = new Set<string>();
    for (const b of bisects)
      for (let probe = 0; probe < maxProbes(b.from, b.to); probe++)
        for (const [j] of b.clients.entries()) positions.add(b.planIndexBase + probe * b.clients.length + j);
    const total = bisects.reduce((n, b) => n + maxProbes(b.from, b.to) * b.clients.length, 0);
    expect(positions.size).toBe(total);
    expect(Math.min(...positions)).toBe(100);
    for (const b of bisects)
      for (let size = b.from; size <= b.to; size++)
        for (const c of b.clients) ids.add(bisectCaseId(b, size, c));
    expect(ids.size).toBe(bisects.reduce((n, b) => n + (b.to - b.from + 1) * b.clients.length, 0));
  });

  it("recognises its own case ids on resume, and nothing else", () => {
    const b = bisects[1]!;
    expect(bisectCaseId(b, 1_500, b.clients[0]!)).toBe("openssl|all|bisect#2 1500 B|tls1.2|java");
    expect(ownsCaseId(bisects, "openssl|all|bisect#2 1500 B|tls1.2|java")).toBe(true);
    expect(ownsCaseId(bisects, "openssl|all|bisect n=7|tls1.3|java")).toBe(true);
    expect(ownsCaseId(bisects, "openssl|all|bisect#2 2001 B|tls1.2|java")).toBe(false); // out of range
    expect(ownsCaseId(bisects, "openssl|all|bisect#2 n=7|tls1.2|java")).toBe(false); // wrong unit
    expect(ownsCaseId(bisects, "openssl|all|bisect n=7|tls1.3|forge")).toBe(false); // forge is not on 1.3
    expect(ownsCaseId(bisects, "nginx|none|bisect n=7|tls1.3|java")).toBe(false); // nginx runs "all" only
    expect(ownsCaseId(bisects, "openssl|all|n=5|tls1.2|java")).toBe(false); // a fixed step
  });
});

describe("shardWork", () => {
  const steps = [{ index: 0, label: "n=5", store: undefined as never, clientIssuerPosition: null }];
  const plan = planCases(scenario, steps);
  const bisects = planBisects(scenario, plan.length, 1);
  const weight = (b: (typeof bisects)[number]) => maxProbes(b.from, b.to) * b.clients.length;
  it("keeps each series with its server instance, and every series runs on exactly one shard", () => {
    for (const n of [1, 2, 3, 5]) {
      const shards = Array.from({ length: n }, (_, i) =>
        shardWork(plan, bisects, weight, { index: i + 1, count: n }),
      );
      expect(
        shards
          .flatMap((s) => s.work)
          .map((b) => b.key)
          .sort(),
      ).toEqual(bisects.map((b) => b.key).sort());
      expect(shards.flatMap((s) => s.cases)).toHaveLength(plan.length);
      for (const s of shards)
        for (const b of s.work) {
          const instance = plan.filter(
            (c) => c.serverIndex === b.serverIndex && c.policy.kind === b.policy.kind,
          );
          // The shard that runs the series also runs that instance's cases of the same policy
          // (when the instance has fixed cases at all).
          if (instance.length) expect(s.cases.some((c) => instance.includes(c))).toBe(true);
        }
    }
  });

  it("deals an instance that has only bisected series as a unit of its own", () => {
    const onlyBisect: Scenario = { ...scenario, roots: { ...scenario.roots!, sizes: undefined } };
    const none = planBisects(onlyBisect, 0, 0);
    const shards = [1, 2].map((i) => shardWork([], none, weight, { index: i, count: 2 }));
    // openssl (two policies) on one shard, nginx on the other.
    expect(shards.map((s) => [...new Set(s.work.map((b) => b.serverIndex))])).toEqual([[0], [1]]);
  });
});
