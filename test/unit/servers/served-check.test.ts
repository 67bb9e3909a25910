import { describe, expect, it } from "vitest";
import { nameKey } from "../../../harness/roots/root-store.ts";
import { type ServedWait, showsNewList } from "../../../harness/servers/served-check.ts";

// Names as one-byte DER stand-ins: what matters is identity, not content.
const der = (...ids: number[]) => ids.map((i) => Uint8Array.of(0x30, i));
const keys = (...ids: number[]) => new Set(der(...ids).map(nameKey));
const wait = (
  planned: number[],
  before?: { planned: number[]; served?: number[] },
): Pick<ServedWait, "counts" | "planned" | "before"> => ({
  counts: new Set([planned.length]),
  planned: keys(...planned),
  ...(before
    ? {
        before: {
          planned: keys(...before.planned),
          ...(before.served ? { served: keys(...before.served) } : {}),
        },
      }
    : {}),
});

describe("the served check's reading of one look", () => {
  it("the planned list is the new one; a list of the same size with a name from elsewhere is not", () => {
    expect(showsNewList(der(1, 2, 3), wait([1, 2, 3]))).toEqual({ served: keys(1, 2, 3), leftOut: 0 });
    expect(showsNewList(der(1, 2, 9), wait([1, 2, 3]))).toBeUndefined();
  });

  it("a server that leaves a name out: the old list is not taken for the new one while growing", () => {
    // Caddy on the Microsoft lists up to 2016-01: 318 of 319 names. Growing 1,2,X → 1,2,X,4,5.
    const grow = wait([1, 2, 3, 4, 5], { planned: [1, 2, 3], served: [1, 2] });
    expect(showsNewList(der(1, 2), grow), "still the old list").toBeUndefined();
    expect(showsNewList(der(1, 2, 4, 5), grow)).toEqual({ served: keys(1, 2, 4, 5), leftOut: 1 });
    // Without knowing what was served before, a name the old plan lacked still tells.
    const unknownBefore = wait([1, 2, 3, 4, 5], { planned: [1, 2, 3] });
    expect(showsNewList(der(1, 2), unknownBefore)).toBeUndefined();
    expect(showsNewList(der(1, 2, 4), unknownBefore)).toEqual({ served: keys(1, 2, 4), leftOut: 2 });
  });

  it("shrinking: the old list has names out of the plan; the new one differs from what was served", () => {
    const shrink = wait([1, 2, 3], { planned: [1, 2, 3, 4, 5], served: [1, 2, 4, 5] });
    expect(showsNewList(der(1, 2, 4, 5), shrink)).toBeUndefined();
    expect(showsNewList(der(1, 2), shrink)).toEqual({ served: keys(1, 2), leftOut: 1 });
  });

  it("an unchanged plan is confirmed by the same list; a changed plan served the same is not", () => {
    expect(showsNewList(der(1, 2), wait([1, 2, 3], { planned: [1, 2, 3], served: [1, 2] }))).toBeDefined();
    // Every added name left out: old and new look alike, so the look cannot confirm.
    expect(
      showsNewList(der(1, 2), wait([1, 2, 3, 4], { planned: [1, 2, 3], served: [1, 2] })),
    ).toBeUndefined();
  });

  it("no earlier state: only the planned count confirms", () => {
    expect(showsNewList(der(1, 2), wait([1, 2, 3]))).toBeUndefined();
  });
});
