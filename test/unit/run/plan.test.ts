import { describe, expect, it } from "vitest";
import { policyName } from "../../../harness/model/policy.ts";
import { RootStore } from "../../../harness/roots/root-store.ts";
import { parseShard, planCases, type RootStep, shardOf } from "../../../harness/run/plan.ts";
import type { Scenario } from "../../../harness/scenario/define-scenario.ts";

const steps: RootStep[] = [0, 1, 2].map((index) => ({
  index,
  label: `s${index}`,
  store: new RootStore("t", "mixed", []),
  clientIssuerPosition: null,
}));

const scenario: Scenario = {
  name: "p",
  servers: [
    { driver: "openssl", policy: ["all", "none"] },
    { driver: "openssl", tls: ["1.3"] },
  ],
  roots: { source: { kind: "builtin" } },
  clients: ["node", "forge"],
};

describe("plan", () => {
  it("crosses servers × policies × steps × TLS × clients, forge on TLS 1.2 only, with stable unique ids", () => {
    const plan = planCases(scenario, steps);
    // server 0: 2 policies × 3 steps × (1.2: node+forge, 1.3: node) = 18; server 1: 3 steps × 1.3 node = 3
    expect(plan).toHaveLength(21);
    expect(new Set(plan.map((c) => c.id)).size).toBe(21);
    expect(plan.filter((c) => c.client === "forge").every((c) => c.tls === "1.2")).toBe(true);
    expect(plan[0]!.id).toBe("openssl|all|s0|tls1.2|node");
    expect(plan.at(-1)!.id).toBe("openssl#2|all|s2|tls1.3|node");
    expect(planCases(scenario, steps).map((c) => c.id)).toEqual(plan.map((c) => c.id));
  });

  it("a server's `steps` keeps only the steps with those labels", () => {
    const plan = planCases(
      { ...scenario, servers: [{ driver: "postgres", steps: ["s0", "s2"] }], clients: ["node"] },
      steps,
    );
    expect(plan.map((c) => c.id)).toEqual([
      "postgres|all|s0|tls1.2|node",
      "postgres|all|s0|tls1.3|node",
      "postgres|all|s2|tls1.2|node",
      "postgres|all|s2|tls1.3|node",
    ]);
  });

  it("shards by server instance: each instance in one shard, biggest first to the lightest shard, plan order kept", () => {
    const wide: Scenario = {
      ...scenario,
      servers: [
        { driver: "openssl", policy: ["all", "none"] }, // 18 cases
        { driver: "openssl", tls: ["1.3"] }, // 3
        { driver: "nginx" }, // 3 steps × (1.2 node+forge, 1.3 node) = 9
        { driver: "apache", tls: ["1.2"] }, // 6
      ],
    };
    const plan = planCases(wide, steps);
    expect(plan.map((c) => c.planIndex)).toEqual(plan.map((_, i) => i));
    const shards = [1, 2].map((i) => shardOf(plan, { index: i, count: 2 }));
    // 18 → shard 1; 9 → shard 2; 6 → shard 2 (9 < 18); 3 → shard 2 (15 < 18).
    expect(shards.map((s) => new Set(s.map((c) => c.serverIndex)))).toEqual([
      new Set([0]),
      new Set([1, 2, 3]),
    ]);
    expect(shards.map((s) => s.length)).toEqual([18, 18]);
    for (const s of shards)
      expect(s.map((c) => c.planIndex)).toEqual([...s.map((c) => c.planIndex)].sort((a, b) => a - b));
    // No instance in two shards at any count up to the number of instances.
    for (const n of [2, 3, 4]) {
      const owners = new Map<number, Set<number>>();
      for (let i = 1; i <= n; i++)
        for (const c of shardOf(plan, { index: i, count: n }))
          owners.set(c.serverIndex, (owners.get(c.serverIndex) ?? new Set()).add(i));
      expect(
        [...owners.values()].every((o) => o.size === 1),
        `${n} shards`,
      ).toBe(true);
    }
  });

  it("with more shards than instances, cuts the biggest instance at a policy boundary, then at a step", () => {
    const plan = planCases(scenario, steps); // instance 0: all (9) + none (9); instance 1: 3
    const three = [1, 2, 3].map((i) => shardOf(plan, { index: i, count: 3 }));
    expect(three.map((s) => s.length).sort((a, b) => a - b)).toEqual([3, 9, 9]);
    expect(three.map((s) => new Set(s.map((c) => `${c.serverIndex}|${policyName(c.policy)}`)).size)).toEqual([
      1, 1, 1,
    ]);
    const five = [1, 2, 3, 4, 5].map((i) => shardOf(plan, { index: i, count: 5 }));
    expect(
      five
        .flat()
        .map((c) => c.planIndex)
        .sort((a, b) => a - b),
    ).toEqual(plan.map((c) => c.planIndex));
    // A cut inside one policy falls between steps: no step is loaded by two shards of one policy.
    const stepOwners = new Map<string, Set<number>>();
    five.forEach((s, i) => {
      for (const c of s) {
        const k = `${c.serverIndex}|${policyName(c.policy)}|${c.step.index}`;
        stepOwners.set(k, (stepOwners.get(k) ?? new Set()).add(i));
      }
    });
    expect([...stepOwners.values()].every((o) => o.size === 1)).toBe(true);
  });

  it("splits into shards that partition the plan", () => {
    const plan = planCases(scenario, steps);
    const shards = [1, 2, 3].map((i) => shardOf(plan, { index: i, count: 3 }).map((c) => c.id));
    expect(shards.flat().sort()).toEqual(plan.map((c) => c.id).sort());
    expect(new Set(shards.flat()).size).toBe(plan.length);
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(parseShard("4/3")).toBeUndefined();
    expect(parseShard("0/3")).toBeUndefined();
    expect(parseShard("x")).toBeUndefined();
  });
});
