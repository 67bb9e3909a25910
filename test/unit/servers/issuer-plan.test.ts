import { beforeAll, describe, expect, it } from "vitest";
import { sharedTestPki } from "../../../harness/pki/test-pki.ts";
import { RootEntry, type RootStore } from "../../../harness/roots/root-store.ts";
import {
  ISSUER_FILES,
  issuerFiles,
  planIssuers,
  plannedAdvertised,
} from "../../../harness/servers/issuer-plan.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";

let store: RootStore;
let outsider: RootEntry;
beforeAll(async () => {
  const pki = await sharedTestPki();
  store = await storeOfBytes(5_000, [pki.clientIssuerEntry]);
  outsider = new RootEntry(pki.strangerIssuer.certDer);
});

describe("planIssuers", () => {
  it("all and none verify against the whole store", () => {
    expect(planIssuers(store, { kind: "all" })).toMatchObject({ mode: "all", verify: store.entries });
    const none = planIssuers(store, { kind: "none" });
    expect(none.mode).toBe("none");
    expect(none.verify).toEqual(store.entries);
    expect(plannedAdvertised(none)).toEqual([]);
  });

  it("truncate-bytes advertises the fitting prefix and keeps the rest trusted", () => {
    const plan = planIssuers(store, { kind: "truncate-bytes", bytes: 1_000 });
    expect(plan.mode).toBe("subset");
    if (plan.mode !== "subset") return;
    const used = plan.advertise.reduce((n, e) => n + e.caNameBytes, 0);
    expect(used).toBeLessThanOrEqual(1_000);
    expect(used + store.entries[plan.advertise.length]!.caNameBytes).toBeGreaterThan(1_000);
    expect([...plan.advertise, ...plan.rest]).toEqual(store.entries);
  });

  it("a subset that is empty is none, one that covers the store is all", () => {
    expect(planIssuers(store, { kind: "truncate-bytes", bytes: 10 }).mode).toBe("none");
    expect(planIssuers(store, { kind: "truncate-bytes", bytes: 1_000_000 }).mode).toBe("all");
  });

  it("explicit names are advertised in the policy's order; a name the store lacks is left out", () => {
    const [a, b] = [store.entries[3]!, store.entries[1]!];
    const plan = planIssuers(store, {
      kind: "explicit",
      subjects: [a.subjectDer, outsider.subjectDer, b.subjectDer],
    });
    expect(plan.mode).toBe("subset");
    expect(plan.verify).toEqual(store.entries);
    expect(plan.verify).not.toContain(outsider);
    expect(plannedAdvertised(plan)).toEqual([a, b]);
  });

  it("writes the three bundles", () => {
    const files = issuerFiles(planIssuers(store, { kind: "truncate-bytes", bytes: 1_000 }));
    const count = (pem: string) => pem.split("BEGIN CERTIFICATE").length - 1;
    expect(count(files[ISSUER_FILES.verify]!)).toBe(store.count);
    expect(count(files[ISSUER_FILES.advertise]!) + count(files[ISSUER_FILES.rest]!)).toBe(store.count);
  });
});
