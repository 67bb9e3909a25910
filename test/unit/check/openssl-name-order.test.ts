import { describe, expect, it } from "vitest";
import { canonicalName, opensslSortedOrder } from "../../../harness/check/openssl-name-order.ts";
import { encodeOid, tlv } from "../../../harness/roots/der.ts";
import type { RootEntry } from "../../../harness/roots/root-store.ts";

/** Name { RDN { CN = value } } with the value in the given string type. */
const cn = (tag: number, value: Buffer) =>
  tlv(0x30, tlv(0x31, tlv(0x30, encodeOid("2.5.4.3"), tlv(tag, value))));
const entry = (subjectDer: Uint8Array) => ({ subjectDer }) as RootEntry;

describe("OpenSSL's name order (X509_NAME_cmp)", () => {
  it("canonical form: case, outer and repeated inner spaces do not matter; string types become UTF8String", () => {
    const a = canonicalName(cn(0x13, Buffer.from("  Example   Root CA ")));
    const b = canonicalName(cn(0x0c, Buffer.from("example root ca")));
    const bmp = Buffer.from("EXAMPLE ROOT CA", "utf16le").swap16();
    expect(a).toEqual(b);
    expect(canonicalName(cn(0x1e, bmp))).toEqual(b);
    expect(a.subarray(0, 1)).toEqual(Buffer.from([0x31]));
  });

  it("shorter canonical encodings sort first, then bytewise; the name pushed last stays last", () => {
    const names = ["zz", "b", "aaa", "a", "c"].map((v) => entry(cn(0x0c, Buffer.from(v))));
    const order = opensslSortedOrder(names).map((e) => names.indexOf(e));
    // "c" was pushed last, after the final lookup sorted the others: a, b, zz, aaa, then c.
    expect(order).toEqual([3, 1, 0, 2, 4]);
  });
});
