import { describe, expect, it } from "vitest";
import { encodeOid, tlv } from "../../../harness/roots/der.ts";
import { nameToRfc4514 } from "../../../harness/roots/distinguished-name.ts";

const atv = (oid: string, tag: number, value: Uint8Array) => tlv(0x30, encodeOid(oid), tlv(tag, value));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe("RFC 4514 DN text", () => {
  it("reverses RDN order, joins multi-valued RDNs with +, escapes specials", () => {
    const name = tlv(
      0x30,
      tlv(0x31, atv("2.5.4.6", 0x13, utf8("US"))),
      tlv(0x31, atv("2.5.4.10", 0x0c, utf8("Acme, Inc.")), atv("2.5.4.11", 0x0c, utf8("R+D"))),
      tlv(0x31, atv("2.5.4.3", 0x1e, Buffer.from([0, 0x48, 0, 0xe9]))),
      tlv(0x31, atv("1.2.840.113549.1.9.1", 0x16, utf8("a@b.c"))),
    );
    // As `openssl -nameopt RFC2253` prints it: the values inside one RDN come out reversed too.
    expect(nameToRfc4514(name)).toBe("emailAddress=a@b.c,CN=Hé,OU=R\\+D+O=Acme\\, Inc.,C=US");
  });

  it("escapes leading # and space, trailing space", () => {
    const cn = (v: string) => nameToRfc4514(tlv(0x30, tlv(0x31, atv("2.5.4.3", 0x0c, utf8(v)))));
    expect(cn("#x")).toBe("CN=\\#x");
    expect(cn(" x ")).toBe("CN=\\ x\\ ");
    expect(cn('a"b;c<d>e\\')).toBe('CN=a\\"b\\;c\\<d\\>e\\\\');
  });

  it("rejects non-Names", () => {
    expect(() => nameToRfc4514(Uint8Array.of(0x31, 0))).toThrow();
    expect(() => nameToRfc4514(Uint8Array.of(0x30, 5, 0))).toThrow(/declares 5 bytes/);
  });
});
