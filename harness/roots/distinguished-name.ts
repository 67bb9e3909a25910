import { DerError, oidText, readTlv } from "./der.ts";

/**
 * A DER Name (RFC 5280 §4.1.2.4) as RFC 4514 text, written the way `openssl ... -nameopt
 * RFC2253,-esc_msb` writes it, so the probe's list compares name by name with `openssl s_client`:
 * last RDN first, `,` between RDNs and `+` inside one, OpenSSL short names, values converted to
 * UTF-8, RFC 4514 §2.4 escapes, unknown attribute types as `dotted.oid=#<DER hex>`.
 */
export function nameToRfc4514(der: Uint8Array): string {
  const seq = readTlv(der, 0);
  if (seq.tag !== 0x30) throw new DerError("Name: expected SEQUENCE");
  if (seq.end !== der.length) throw new DerError(`Name: ${der.length - seq.end} trailing bytes`);
  // Walked by hand, without intermediate arrays: a 65,535-byte list has ~500 names to format.
  const types: string[] = [];
  const values: string[] = [];
  const sets: number[] = [];
  let setIndex = 0;
  for (let p = seq.contentStart; p < seq.end; setIndex++) {
    const rdn = readTlv(der, p, seq.end);
    if (rdn.tag !== 0x31) throw new DerError("RelativeDistinguishedName: expected SET");
    for (let q = rdn.contentStart; q < rdn.end; ) {
      const atv = readTlv(der, q, rdn.end);
      if (atv.tag !== 0x30) throw new DerError("AttributeTypeAndValue: expected SEQUENCE");
      const oid = readTlv(der, atv.contentStart, atv.end);
      if (oid.tag !== 0x06 || oid.end >= atv.end)
        throw new DerError("AttributeTypeAndValue: expected OID and a value");
      const value = readTlv(der, oid.end, atv.end);
      if (value.end !== atv.end) throw new DerError("AttributeTypeAndValue: expected one value");
      const key = String.fromCharCode.apply(
        null,
        der.subarray(oid.contentStart, oid.end) as unknown as number[],
      );
      const short = SHORT_BY_ENCODED.get(key);
      const raw = der.subarray(value.start, value.end);
      types.push(short ?? oidText(der, oid));
      values.push(
        short ? formatValue(value.tag, der.subarray(value.contentStart, value.end), raw) : dump(raw),
      );
      sets.push(setIndex);
      q = atv.end;
    }
    p = rdn.end;
  }
  let out = "";
  for (let i = types.length - 1; i >= 0; i--) {
    if (i < types.length - 1) out += sets[i + 1] === sets[i] ? "+" : ",";
    out += `${types[i]}=${values[i]}`;
  }
  return out;
}

/** An OID's content octets (X.690 §8.19) as a latin1 string: the lookup key for SHORT_NAMES. */
function encodeOid(dotted: string): string {
  const parts = dotted.split(".").map(Number);
  const bytes: number[] = [parts[0]! * 40 + parts[1]!];
  for (const n of parts.slice(2)) {
    const sub: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) sub.unshift((v & 0x7f) | 0x80);
    bytes.push(...sub);
  }
  return String.fromCharCode(...bytes);
}

/** OpenSSL's short names (crypto/objects/objects.txt) for attribute types seen in CA names. */
const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.13": "description",
  "2.5.4.15": "businessCategory",
  "2.5.4.16": "postalAddress",
  "2.5.4.17": "postalCode",
  "2.5.4.18": "postOfficeBox",
  "2.5.4.19": "physicalDeliveryOfficeName",
  "2.5.4.20": "telephoneNumber",
  "2.5.4.41": "name",
  "2.5.4.42": "GN",
  "2.5.4.43": "initials",
  "2.5.4.44": "generationQualifier",
  "2.5.4.45": "x500UniqueIdentifier",
  "2.5.4.46": "dnQualifier",
  "2.5.4.51": "houseIdentifier",
  "2.5.4.65": "pseudonym",
  "2.5.4.72": "role",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
  "1.2.840.113549.1.9.2": "unstructuredName",
  "1.2.840.113549.1.9.8": "unstructuredAddress",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.3": "mail",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
  "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
};

const SHORT_BY_ENCODED = new Map(Object.entries(SHORT_NAMES).map(([oid, short]) => [encodeOid(oid), short]));

const HEX = "0123456789ABCDEF";
function dump(raw: Uint8Array): string {
  let s = "#";
  for (const b of raw) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s;
}

// Bytes per character by string tag, OpenSSL's tag2nbyte: 0 = UTF-8, -1 = not a string (dumped).
function charWidth(tag: number): number {
  switch (tag) {
    case 0x0c:
      return 0;
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // T61String (read as Latin-1, as OpenSSL does)
    case 0x16: // IA5String
    case 0x17:
    case 0x18:
    case 0x1a: // VisibleString
      return 1;
    case 0x1c: // UniversalString
      return 4;
    case 0x1e: // BMPString
      return 2;
    default:
      return -1;
  }
}

const ESCAPED = new Set([..._chars(',+"\\<>;')]);
function _chars(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

// True when the bytes print as themselves: ASCII, no RFC 4514 specials, no leading/trailing
// space or leading '#'. Nearly every CA name is like this, so it is the fast path.
function plainAscii(c: Uint8Array): boolean {
  const n = c.length;
  if (n === 0) return true;
  if (c[0] === 0x20 || c[0] === 0x23 || c[n - 1] === 0x20) return false;
  for (let i = 0; i < n; i++) {
    const b = c[i]!;
    if (
      b < 0x20 ||
      b > 0x7e ||
      b === 0x2c ||
      b === 0x2b ||
      b === 0x22 ||
      b === 0x5c ||
      b === 0x3c ||
      b === 0x3e ||
      b === 0x3b
    )
      return false;
  }
  return true;
}

function formatValue(tag: number, content: Uint8Array, raw: Uint8Array): string {
  const width = charWidth(tag);
  if (width < 0) return dump(raw);
  if (width <= 1 && plainAscii(content))
    return String.fromCharCode.apply(null, content as unknown as number[]);
  // UTF-8 strings are escaped byte by byte, as OpenSSL does; the others are decoded to code points
  // and re-encoded as UTF-8 first.
  let bytes: Uint8Array;
  if (width === 0) bytes = content;
  else {
    if (content.length % width !== 0) throw new DerError(`string of ${content.length} bytes, width ${width}`);
    const cps: number[] = [];
    for (let i = 0; i < content.length; i += width) {
      let c = 0;
      for (let j = 0; j < width; j++) c = c * 256 + content[i + j]!;
      cps.push(c);
    }
    bytes = Buffer.from(String.fromCodePoint(...cps.map((c) => (c > 0x10ffff ? 0xfffd : c))), "utf8");
  }
  const out: number[] = [];
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    const first = i === 0;
    const last = i === n - 1;
    if (b < 0x80) {
      if (ESCAPED.has(b) || (first && (b === 0x20 || b === 0x23)) || (last && b === 0x20)) {
        out.push(0x5c, b);
        continue;
      }
      if (b < 0x20 || b === 0x7f) {
        out.push(0x5c, HEX.charCodeAt(b >> 4), HEX.charCodeAt(b & 15));
        continue;
      }
    }
    out.push(b);
  }
  return Buffer.from(out).toString("utf8");
}
