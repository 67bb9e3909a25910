import { describe, expect, it } from "vitest";
import { CabError, extractCab, MAX_CAB_OUTPUT_BYTES } from "../../harness/roots/cab.ts";
import { cabBomb } from "../fixtures/cab-bomb.ts";

describe("a cabinet decompression bomb", () => {
  it("folders sharing the same data blocks are refused before anything is inflated", () => {
    // 2,000 folders over the same 20 blocks: 1.3 GB if every folder were inflated (before the fix
    // this took 5.6 s and 1.3 GB here); the cabinet itself is about 17 KB.
    const bomb = cabBomb({ folders: 2_000, blocks: 20 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const heap = process.memoryUsage();
    expect(() => extractCab(bomb)).toThrow(CabError);
    expect(() => extractCab(bomb)).toThrow(/CFFOLDER 1 .*overlaps folder 0/);
    const grown = process.memoryUsage().rss - heap.rss;
    // Nothing was inflated: a regression inflating even one folder per pair would take 1.3 GB.
    expect(grown).toBeLessThan(128 * 1024 * 1024);
  });

  it("one folder declaring more output than the cap is refused from its block headers", () => {
    // 300 blocks × 32 KiB = 9.8 MB of declared output from a 13 KB file.
    const blocks = Math.ceil(MAX_CAB_OUTPUT_BYTES / 0x8000) + 1;
    const bomb = cabBomb({ folders: 1, blocks });
    expect(() => extractCab(bomb)).toThrow(/exceeds the .* cap/);
  });

  it("the cap is generous: authroot.stl is about 190 KB", () => {
    expect(MAX_CAB_OUTPUT_BYTES).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  });
});
