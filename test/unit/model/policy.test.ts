import { describe, expect, it } from "vitest";
import { parsePolicy, policyName } from "../../../harness/model/policy.ts";
import { intendedAdvertised, placeIssuer } from "../../../harness/roots/intended.ts";
import { RootEntry, RootStore } from "../../../harness/roots/root-store.ts";
import { planIssuers } from "../../../harness/servers/issuer-plan.ts";
import { selfSignedCa, sizedName } from "../../fixtures/synthetic-roots.ts";

/** Five 100-byte-subject roots (102 B each in the list) and the client issuer, placed third in the store. */
const roots = Array.from(
  { length: 5 },
  (_, i) => new RootEntry(selfSignedCa(sizedName(100, `Root ${i}`), i + 1)),
);
const issuer = new RootEntry(selfSignedCa(sizedName(100, "Enterprise CA"), 99), { origin: "client-issuer" });
const store = new RootStore("test", "mixed", [roots[0]!, roots[1]!, issuer, roots[2]!, roots[3]!, roots[4]!]);
const names = (es: readonly RootEntry[]) => es.map((e) => (e === issuer ? "I" : String(roots.indexOf(e))));

describe("policies that place the client issuer: the list without it, or it at a position", () => {
  it.each([
    ["all/issuer:omitted", ["0", "1", "2", "3", "4"]],
    ["all/issuer:first", ["I", "0", "1", "2", "3", "4"]],
    ["all/issuer:last", ["0", "1", "2", "3", "4", "I"]],
    ["all/issuer:2", ["0", "I", "1", "2", "3", "4"]],
    ["all/issuer:40", ["0", "1", "2", "3", "4", "I"]],
    // 306 B fit three entries: the issuer appended last is cut, placed first it is advertised.
    ["truncate-bytes:306/issuer:last", ["0", "1", "2"]],
    ["truncate-bytes:306/issuer:first", ["I", "0", "1"]],
    ["truncate-bytes:306", ["0", "1", "I"]],
  ])("%s advertises %j", (text, expected) => {
    const p = parsePolicy(text)!;
    expect(policyName(p)).toBe(text);
    expect(names(intendedAdvertised(store, p))).toEqual(expected);
  });

  it("the server still verifies against the whole store: the issuer stays trusted", () => {
    const plan = planIssuers(store, parsePolicy("all/issuer:omitted")!);
    expect(plan.mode).toBe("subset");
    expect(plan.verify).toHaveLength(6);
    expect(plan.mode === "subset" && names(plan.rest)).toEqual(["I"]);
    const first = planIssuers(store, parsePolicy("schannel/issuer:first")!);
    expect(first.mode).toBe("all");
    expect(names(first.verify)[0]).toBe("I");
  });

  it("a store without a client issuer is left as it is", () => {
    expect(placeIssuer(roots, "first")).toBe(roots);
  });

  it.each([
    "none/issuer:first",
    "all/issuer:0",
    "all/issuer:middle",
    "all/issuer:first/x",
    "all/issuer",
    "all/",
  ])("%s is not a policy", (text) => {
    expect(parsePolicy(text)).toBeUndefined();
  });
});
