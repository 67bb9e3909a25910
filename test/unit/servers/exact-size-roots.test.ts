import { describe, expect, it } from "vitest";
import { ENTRY_BYTES, storeOfBytes, syntheticRoot } from "../../fixtures/exact-size-roots.ts";

describe("exact-size synthetic roots (test fixture)", () => {
  it("each synthetic root adds 128 bytes", async () => {
    expect((await syntheticRoot(7)).caNameBytes).toBe(ENTRY_BYTES);
  });

  it.each([65_481, 65_491, 65_492, 65_535, 65_536])("builds a list of exactly %i bytes", async (bytes) => {
    const s = await storeOfBytes(bytes);
    expect(s.caListBytes).toBe(bytes);
    expect(new Set(s.entries.map((e) => e.subject)).size).toBe(s.count);
  });
});
