import { describe, expect, it } from "vitest";
import { latencyAgreement } from "../../../bench/latency-agreement.ts";

/** Deterministic per-case noise: a fixed pseudo-random factor in [1 − spread, 1 + spread]. */
function run(n: number, base: (i: number) => number, factor: number, spread: number, seed: number) {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  return new Map(
    Array.from({ length: n }, (_, i) => [`c${i}`, base(i) * factor * (1 + spread * (2 * next() - 1))]),
  );
}
const base = (i: number) => 2 + (i % 7) * 0.5; // 2..5 ms handshakes

describe("latencyAgreement", () => {
  it("agrees when the parallel run differs from the serial ones only by per-case noise", () => {
    const a = latencyAgreement({
      serialA: run(300, base, 1, 0.1, 1),
      parallel: run(300, base, 1, 0.1, 2),
      serialB: run(300, base, 1, 0.1, 3),
    });
    expect(a.cases).toBe(300);
    expect(a.verdict).toBe("agree");
    expect(Math.abs(a.ratio - 1)).toBeLessThan(a.tolerance);
    expect(a.tolerance).toBeGreaterThanOrEqual(0.02);
  });

  it("disagrees when the parallel run is 10 % slower and the serial runs repeat within 1 %", () => {
    const a = latencyAgreement({
      serialA: run(300, base, 1, 0.05, 1),
      parallel: run(300, base, 1.1, 0.05, 2),
      serialB: run(300, base, 1.01, 0.05, 3),
    });
    expect(a.verdict).toBe("disagree");
    expect(a.ratio).toBeGreaterThan(1.05);
  });

  it("cancels a steady drift: serial A fast, serial B slow, parallel between them", () => {
    const a = latencyAgreement({
      serialA: run(300, base, 0.95, 0.05, 1),
      parallel: run(300, base, 1, 0.05, 2),
      serialB: run(300, base, 1.05, 0.05, 3),
    });
    expect(a.noiseFloorRatio).toBeGreaterThan(1.08);
    expect(a.verdict).toBe("agree");
    expect(a.tolerance).toBeGreaterThan(0.1);
  });

  it("is inconclusive when the serial runs themselves disagree by more than 15 %", () => {
    const a = latencyAgreement({
      serialA: run(300, base, 1, 0.05, 1),
      parallel: run(300, base, 1, 0.05, 2),
      serialB: run(300, base, 1.3, 0.05, 3),
    });
    expect(a.verdict).toBe("inconclusive");
  });

  it("uses only cases sampled in all three runs", () => {
    const serialA = new Map([
      ["x", 2],
      ["y", 3],
    ]);
    const a = latencyAgreement({ serialA, parallel: new Map([["x", 2]]), serialB: new Map([["x", 2]]) });
    expect(a.cases).toBe(1);
    expect(latencyAgreement({ serialA, parallel: new Map(), serialB: serialA }).verdict).toBe("inconclusive");
  });
});
