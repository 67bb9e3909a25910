import { describe, expect, it } from "vitest";
import { ByteReader } from "../../../harness/probe/byte-reader.ts";
import { ByteWriter } from "../../../harness/probe/byte-writer.ts";
import {
  describeParseError,
  isWrapped16,
  type ParseError,
  parsed,
} from "../../../harness/probe/parse-error.ts";

const err = (fn: () => unknown): ParseError => {
  const r = parsed(fn);
  if (r.ok) throw new Error("expected a parse error");
  return r.error;
};

describe("ByteReader", () => {
  it("reads u8/u16/u24 big-endian and vectors as bounded sub-readers", () => {
    const bytes = new ByteWriter()
      .u8(1)
      .u16(0x0203)
      .u24(0x040506)
      .vector(2, (w) => w.u8(7).u8(8))
      .u8(9)
      .finish();
    const r = new ByteReader(bytes);
    expect([r.u8("a"), r.u16("b"), r.u24("c")]).toEqual([1, 0x0203, 0x040506]);
    const v = r.vector(2, "v");
    expect(v.remaining).toBe(2);
    expect(v.u8("x")).toBe(7);
    // The sub-reader cannot read past its declared end into the parent's next field.
    v.u8("y");
    expect(err(() => v.u8("z"))).toMatchObject({ kind: "short-read", field: "z", need: 1, have: 0 });
    expect(r.u8("after")).toBe(9);
    r.expectEnd("all");
  });

  it("types every failure", () => {
    expect(err(() => new ByteReader(Uint8Array.of(1)).u16("f", "RFC x"))).toEqual({
      kind: "short-read",
      field: "f",
      rfc: "RFC x",
      need: 2,
      have: 1,
    });
    expect(err(() => new ByteReader(Uint8Array.of(0, 5, 1)).vector(2, "v"))).toMatchObject({
      kind: "bad-length",
      declared: 5,
      present: 1,
    });
    expect(err(() => new ByteReader(Uint8Array.of(0)).vector(1, "v", undefined, { floor: 1 }))).toMatchObject(
      {
        kind: "bad-length",
        bounds: "1..255",
      },
    );
    expect(err(() => new ByteReader(Uint8Array.of(1, 2)).expectEnd("s"))).toMatchObject({
      kind: "trailing-bytes",
      count: 2,
    });
  });

  it("recognises a wrapped 16-bit length and says so", () => {
    const present = 65_663;
    const body = new Uint8Array(2 + present);
    body[0] = (present % 65_536) >> 8;
    body[1] = present % 65_536;
    const e = err(() =>
      new ByteReader(body).vector(2, "certificate_authorities", "RFC 5246 §7.4.4", { wholeRest: true }),
    );
    expect(e).toMatchObject({ kind: "bad-length", declared: 127, present, wrapped: true });
    expect(describeParseError(e)).toMatch(
      /^wrapped length: certificate_authorities \(RFC 5246 §7\.4\.4\) declares 127 bytes but 65663 follow \(127 \+ 1 × 65536\)/,
    );
    expect(isWrapped16(127, 65_663)).toBe(true);
    expect(isWrapped16(128, 65_663)).toBe(false);
    expect(isWrapped16(100, 101)).toBe(false);
  });
});
