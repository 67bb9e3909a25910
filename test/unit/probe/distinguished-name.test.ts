import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { certificateNames } from "../../../harness/roots/der.ts";
import { nameToRfc4514 } from "../../../harness/roots/distinguished-name.ts";
import { certPem, selfSignedCa } from "../../fixtures/synthetic-roots.ts";

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...len]), content]));
}
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));
const oid = (...b: number[]) => tlv(0x06, Uint8Array.from(b));
const ava = (o: Uint8Array, tag: number, v: Uint8Array) => tlv(0x30, cat(o, tlv(tag, v)));
const CN = oid(0x55, 0x04, 0x03);
const O = oid(0x55, 0x04, 0x0a);
const OU = oid(0x55, 0x04, 0x0b);
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const bmp = (s: string) => new Uint8Array(Buffer.from(s, "utf16le").swap16());

/** What `openssl x509 -subject -nameopt RFC2253,-esc_msb` prints for a certificate with this subject. */
function openssl(subject: Uint8Array): string {
  const pem = certPem(selfSignedCa(subject, 7));
  const out = execFileSync("openssl", ["x509", "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb"], {
    input: pem,
  });
  return out
    .toString("utf8")
    .replace(/\n$/, "")
    .replace(/^subject=/, "");
}

describe("DER Name → RFC 4514 text, as openssl prints it", () => {
  const cases: [string, Uint8Array][] = [
    ["escapes", tlv(0x30, tlv(0x31, ava(CN, 0x0c, utf8(' #a,b+c"d\\e<f>g;h '))))],
    [
      "UTF-8 and BMPString",
      tlv(
        0x30,
        cat(tlv(0x31, ava(O, 0x1e, bmp("Société Générale"))), tlv(0x31, ava(CN, 0x0c, utf8("Ünïcødé ✓")))),
      ),
    ],
    [
      "multi-valued RDN",
      tlv(
        0x30,
        cat(
          tlv(0x31, ava(O, 0x13, utf8("Org"))),
          tlv(0x31, cat(ava(CN, 0x13, utf8("a")), ava(OU, 0x13, utf8("b")))),
        ),
      ),
    ],
    [
      "unknown attribute type",
      tlv(0x30, tlv(0x31, ava(oid(0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x99, 0x01), 0x0c, utf8("x")))),
    ],
    ["control character", tlv(0x30, tlv(0x31, ava(CN, 0x0c, utf8("a\x01b"))))],
    ["T61String as Latin-1", tlv(0x30, tlv(0x31, ava(CN, 0x14, Uint8Array.from([0x41, 0xe9, 0x42]))))],
  ];
  for (const [label, der] of cases) {
    it(label, () => {
      expect(nameToRfc4514(der)).toBe(openssl(der));
      expect(Buffer.from(certificateNames(selfSignedCa(der, 1)).subject)).toEqual(Buffer.from(der));
    });
  }
  it("rejects what is not a Name", () => {
    expect(() => nameToRfc4514(Uint8Array.of(0x04, 0x00))).toThrow();
    expect(() => nameToRfc4514(Uint8Array.of(0x30, 0x03, 0x31, 0x01))).toThrow();
    expect(() => nameToRfc4514(Uint8Array.of(0x30, 0x00, 0x00))).toThrow(/trailing/);
  });
});
