import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadRoots } from "../../../harness/roots/load.ts";
import { loadBuiltin } from "../../../harness/roots/load-builtin.ts";
import {
  exactSubjectName,
  minSubjectBytes,
  syntheticRoots,
  syntheticStore,
} from "../../../harness/roots/synthetic.ts";

describe("synthetic roots", () => {
  it("generates 20,000 distinct, valid self-signed CA certificates (timing in bench/roots.bench.ts)", () => {
    const entries = syntheticRoots({ count: 20_000, seed: 5 });
    expect(entries).toHaveLength(20_000);
    expect(new Set(entries.map((e) => Buffer.from(e.subjectDer).toString("hex"))).size).toBe(20_000);
    for (const i of [0, 1, 777, 9_999, 19_999]) {
      const x = new X509Certificate(entries[i]!.certDer);
      expect(x.ca).toBe(true);
      expect(x.verify(x.publicKey)).toBe(true);
      expect(x.checkIssued(x)).toBe(true);
      expect(Buffer.from(entries[i]!.issuerDer)).toEqual(Buffer.from(entries[i]!.subjectDer));
    }
  }, 60_000);

  it("samples subject sizes from a real store, reproducibly from the seed", () => {
    const builtin = loadBuiltin();
    const real = new Set(builtin.entries.map((e) => e.subjectDer.length));
    const a = syntheticRoots({ count: 300, seed: 11 });
    const b = syntheticRoots({ count: 300, seed: 11 });
    const c = syntheticRoots({ count: 300, seed: 12 });
    const sizes = (x: typeof a) => x.map((e) => e.subjectDer.length);
    expect(sizes(a)).toEqual(sizes(b));
    expect(sizes(a)).not.toEqual(sizes(c));
    const min = minSubjectBytes("rootload s11 #299".length);
    for (const s of sizes(a)) expect(real.has(s) || s <= min).toBe(true);
    // Mean within 15 % of the real mean.
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    expect(Math.abs(mean(sizes(a)) - mean(builtin.entries.map((e) => e.subjectDer.length)))).toBeLessThan(
      0.15 * mean(builtin.entries.map((e) => e.subjectDer.length)),
    );
  });

  it("makes exact-size subjects, e.g. 126 B (128 B per CA-list entry)", () => {
    const store = syntheticStore({ kind: "synthetic", count: 512, subjectBytes: 126 });
    expect(store.entries.every((e) => e.subjectDer.length === 126)).toBe(true);
    expect(store.caListBytes).toBe(65_536);
    expect(loadRoots({ kind: "synthetic", count: 511, subjectBytes: 126 }).caListBytes).toBe(65_408);
    for (let size = minSubjectBytes(8); size < 600; size++) {
      if (size === 130 || size === 259) {
        expect(() => exactSubjectName(size, "label-xx")).toThrow(/no DER Name is exactly/);
        continue;
      }
      expect(exactSubjectName(size, "label-xx").length).toBe(size);
    }
  });

  it("rejects impossible requests as InputError", () => {
    expect(() => syntheticRoots({ count: -1 })).toThrow(/count/);
    expect(() => syntheticRoots({ count: 1, subjectBytes: 5 })).toThrow(/outside/);
  });
});
