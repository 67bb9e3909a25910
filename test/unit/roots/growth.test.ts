import { describe, expect, it } from "vitest";
import { growthSeries, orderEntries, snapshotSeries } from "../../../harness/roots/growth.ts";
import { loadCtl } from "../../../harness/roots/load-ctl.ts";
import { RootStore, uniqueNames } from "../../../harness/roots/root-store.ts";
import { syntheticRoots } from "../../../harness/roots/synthetic.ts";
import { dataPath, snapshots } from "./data.ts";

const ctl2025 = loadCtl({
  kind: "ctl",
  path: dataPath("microsoft", "2025-06-16", "authroot.stl"),
  includeDisabled: true,
});
// A stand-in for pki.clientIssuerEntry (RSA key generation is not needed to test placement).
const issuer = syntheticRoots({ count: 1, subjectBytes: 90, tag: "issuer" })[0]!;

describe("growth series", () => {
  it("by snapshot: the 13 Microsoft CTLs in date order", () => {
    const stores = snapshots("microsoft")
      .reverse()
      .map((d) =>
        loadCtl({ kind: "ctl", path: dataPath("microsoft", d, "authroot.stl"), includeDisabled: true }),
      );
    const steps = snapshotSeries(stores, { clientIssuer: issuer, clientIssuerPosition: "first" });
    expect(steps.map((s) => s.label)).toEqual(snapshots("microsoft"));
    expect(steps.map((s) => s.store.count)).toEqual([
      354, 354, 378, 390, 390, 412, 418, 335, 344, 372, 418, 448, 515,
    ]);
    expect(steps.every((s) => s.clientIssuerPosition === 0 && s.store.entries[0] === issuer)).toBe(true);
  });

  it("by count, with the client issuer counted and synthetic top-up past the real size", () => {
    const steps = growthSeries(ctl2025, {
      by: "count",
      counts: [1, 100, 514, 515, 600],
      clientIssuer: issuer,
      clientIssuerPosition: 50,
      topUp: true,
    });
    expect(steps.map((s) => s.label)).toEqual(["n=1", "n=100", "n=514", "n=515", "n=600"]);
    expect(steps.map((s) => s.store.count)).toEqual([1, 100, 514, 515, 600]);
    expect(steps.map((s) => s.clientIssuerPosition)).toEqual([0, 50, 50, 50, 50]);
    expect(steps.map((s) => s.syntheticCount)).toEqual([0, 0, 0, 0, 85]);
    expect(steps[4]!.store.kind).toBe("mixed");
    // Steps are prefixes of one another (same synthetic roots reused).
    const without = (s: RootStore) => s.entries.filter((e) => e !== issuer);
    expect(without(steps[3]!.store)).toEqual(without(steps[4]!.store).slice(0, 514));
    expect(() => growthSeries(ctl2025, { by: "count", counts: [600] })).toThrow(/exceeds the 514 roots/);
  });

  it("by bytes: exactly the target when topping up, client issuer included", () => {
    const targets = [12_288, 16_384, 65_481, 65_535, 65_536, 80_000];
    const cases = [
      ["first", "ctl"],
      ["last", "subject"],
      [100, "shuffle:9"],
    ] as const;
    for (const [pos, order] of cases) {
      const steps = growthSeries(ctl2025, {
        by: "bytes",
        targets,
        order,
        clientIssuer: issuer,
        clientIssuerPosition: pos,
        topUp: true,
      });
      for (const [i, s] of steps.entries()) {
        expect(s.store.caListBytes, s.label).toBe(targets[i]);
        expect(s.exact).toBe(true);
        expect(s.label).toBe(`${targets[i]} B`);
        expect(s.store.entries[s.clientIssuerPosition!]).toBe(issuer);
        expect(new Set(s.store.entries.map((e) => e.sha256)).size).toBe(s.store.count);
      }
      expect(steps[0]!.clientIssuerPosition).toBe(
        pos === "first" ? 0 : pos === 100 ? 100 : steps[0]!.store.count - 1,
      );
    }
  });

  it("by bytes without top-up: the longest prefix under the target, marked inexact", () => {
    const [s] = growthSeries(ctl2025, { by: "bytes", targets: [16_384], order: "subject" });
    expect(s!.store.count).toBe(219);
    expect(s!.store.caListBytes).toBeLessThanOrEqual(16_384);
    expect(s!.exact).toBe(s!.store.caListBytes === 16_384);
    expect(() => growthSeries(ctl2025, { by: "bytes", targets: [80_000] })).toThrow(/exceeds/);
  });

  it("tiny targets: exact where any DER name fits, else the documented fallback", () => {
    const small = new RootStore("x", "synthetic", []);
    const [a, b] = growthSeries(small, { by: "bytes", targets: [200, 10], topUp: true });
    expect(a!.store.caListBytes).toBe(200);
    expect(b!.exact).toBe(false);
    expect(b!.store.count).toBe(0);
    expect(() =>
      growthSeries(small, { by: "bytes", targets: [10], topUp: true, clientIssuer: issuer }),
    ).toThrow(/smaller than the client issuer/);
  });

  it("orders: ctl, subject, shuffle:SEED", () => {
    const e = ctl2025.entries;
    expect(orderEntries(e, "ctl")).toEqual(e);
    const bySubject = orderEntries(e, "subject");
    for (let i = 1; i < bySubject.length; i++)
      expect(Buffer.compare(bySubject[i - 1]!.subjectDer, bySubject[i]!.subjectDer)).toBeLessThanOrEqual(0);
    expect(orderEntries(e, "shuffle:3")).toEqual(orderEntries(e, "shuffle:3"));
    expect(orderEntries(e, "shuffle:3")).not.toEqual(orderEntries(e, "shuffle:4"));
    expect(new Set(orderEntries(e, "shuffle:3"))).toEqual(new Set(e));
  });

  it("by wire bytes: the list as an OpenSSL server sends it (each name once) hits the target exactly", () => {
    const wireOf = (st: RootStore) => uniqueNames(st.entries).reduce((n, e) => n + e.caNameBytes, 0);
    // The 2025-06 CTL has re-keyed roots: 514 certificates, 501 names.
    expect(uniqueNames(ctl2025.entries).length).toBeLessThan(ctl2025.count);
    const targets = [16_384, 55_000, 65_535, 65_536];
    const wire = growthSeries(ctl2025, { by: "wire", targets, clientIssuer: issuer, topUp: true });
    for (const [i, st] of wire.entries()) {
      expect(st.label).toBe(`${targets[i]} B wire`);
      expect(st.exact).toBe(true);
      expect(st.wireBytes).toBe(targets[i]);
      expect(wireOf(st.store)).toBe(targets[i]);
      expect(st.store.entries).toContain(issuer);
    }
    // Configured bytes over the same store stop short on the wire: the gap this mode closes.
    const configured = growthSeries(ctl2025, {
      by: "bytes",
      targets: [65_536],
      clientIssuer: issuer,
      topUp: true,
    });
    expect(configured[0]!.store.caListBytes).toBe(65_536);
    expect(wireOf(configured[0]!.store)).toBeLessThan(65_536);
    expect(wire[3]!.store.caListBytes).toBeGreaterThan(65_536);
    // Without top-up a target past the store's wire list names both figures.
    expect(() =>
      growthSeries(ctl2025, { by: "wire", targets: [70_000], fieldNames: { targets: "roots.wireBytes" } }),
    ).toThrow(/^roots\.wireBytes: 70000 B exceeds .* B on the wire\) \(set topUp/);
  });
});
