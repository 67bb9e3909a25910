import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CabError, cabChecksum, extractCab } from "../../../harness/roots/cab.ts";
import { dataPath, snapshots } from "./data.ts";

/** Build a one-folder MSZIP cabinet; blocks deflated independently but may reference history. */
function makeCab(
  name: string,
  data: Uint8Array,
  opts: { checksum?: boolean; compression?: number } = {},
): Buffer {
  const blocks: Buffer[] = [];
  for (let o = 0; o < data.length || blocks.length === 0; o += 0x8000) {
    const chunk = data.subarray(o, o + 0x8000);
    const comp = Buffer.concat([Buffer.from("CK"), deflateRawSync(chunk)]);
    const hdr = Buffer.alloc(8);
    hdr.writeUInt16LE(comp.length, 4);
    hdr.writeUInt16LE(chunk.length, 6);
    if (opts.checksum) hdr.writeUInt32LE(cabChecksum(hdr.subarray(4, 8), cabChecksum(comp, 0)), 0);
    blocks.push(hdr, comp);
  }
  const nameBytes = Buffer.from(`${name}\0`, "latin1");
  const headerLen = 36;
  const folderLen = 8;
  const fileLen = 16 + nameBytes.length;
  const dataOffset = headerLen + folderLen + fileLen;
  const body = Buffer.concat(blocks);
  const total = dataOffset + body.length;
  const h = Buffer.alloc(headerLen);
  h.write("MSCF", 0, "latin1");
  h.writeUInt32LE(total, 8);
  h.writeUInt32LE(headerLen + folderLen, 16);
  h[24] = 3;
  h[25] = 1;
  h.writeUInt16LE(1, 26);
  h.writeUInt16LE(1, 28);
  const f = Buffer.alloc(folderLen);
  f.writeUInt32LE(dataOffset, 0);
  f.writeUInt16LE(blocks.length / 2, 4);
  f.writeUInt16LE(opts.compression ?? 1, 6);
  const file = Buffer.alloc(16);
  file.writeUInt32LE(data.length, 0);
  return Buffer.concat([h, f, file, nameBytes, body]);
}

describe("cabinet extraction", () => {
  it.each(snapshots("microsoft"))("%s: the .cab holds exactly authroot.stl", (dir) => {
    const files = extractCab(readFileSync(dataPath("microsoft", dir, "authrootstl.cab")));
    expect(files.map((f) => f.name)).toEqual(["authroot.stl"]);
    // Buffer.equals: vitest's deep equality walks 190 KB byte by byte (seconds).
    expect(Buffer.from(files[0]!.data).equals(readFileSync(dataPath("microsoft", dir, "authroot.stl")))).toBe(
      true,
    );
  });

  it("round-trips a multi-block cabinet with checksums", () => {
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const [f] = extractCab(makeCab("x.bin", data, { checksum: true }));
    expect(f!.name).toBe("x.bin");
    expect(Buffer.from(f!.data).equals(data)).toBe(true);
  });

  it("names the problem: signature, size, compression, checksum", () => {
    expect(() => extractCab(Buffer.from("MSCX0000"))).toThrow(/not a cabinet/);
    const good = makeCab("a", Buffer.from("hello"), { checksum: true });
    expect(() => extractCab(good.subarray(0, good.length - 1))).toThrow(/cabinet size field/);
    expect(() => extractCab(makeCab("a", Buffer.from("hello"), { compression: 3 }))).toThrow(
      /LZX not supported/,
    );
    const padded = Buffer.concat([good, Buffer.from([0])]);
    padded.writeUInt32LE(padded.length, 8);
    expect(() => extractCab(padded)).toThrow(/1 unused bytes/);
    const bad = Buffer.from(good);
    bad[bad.length - 2] = bad[bad.length - 2]! ^ 0xff;
    expect(() => extractCab(bad)).toThrow(CabError);
    expect(() => extractCab(bad)).toThrow(/checksum/);
  });
});
