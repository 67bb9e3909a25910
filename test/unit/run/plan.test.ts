import { describe, expect, it } from "vitest";
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
