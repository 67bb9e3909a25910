import { children, DerError, oidText, readTlv } from "../roots/der.ts";

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
  const avas: { set: number; type: string; value: string }[] = [];
  children(der, seq).forEach((rdn, setIndex) => {
    if (rdn.tag !== 0x31) throw new DerError("RelativeDistinguishedName: expected SET");
    for (const atv of children(der, rdn)) {
      if (atv.tag !== 0x30) throw new DerError("AttributeTypeAndValue: expected SEQUENCE");
      const [oid, value, extra] = children(der, atv);
      if (oid?.tag !== 0x06 || !value || extra)
        throw new DerError("AttributeTypeAndValue: expected OID and one value");
      const dotted = oidText(der, oid);
      const short = SHORT_NAMES[dotted];
      const raw = der.subarray(value.start, value.end);
      avas.push({
        set: setIndex,
        type: short ?? dotted,
        value: short ? formatValue(value.tag, der.subarray(value.contentStart, value.end), raw) : dump(raw),
      });
    }
  });
  let out = "";
  for (let i = avas.length - 1; i >= 0; i--) {
    const a = avas[i]!;
    if (i < avas.length - 1) out += avas[i + 1]!.set === a.set ? "+" : ",";
    out += `${a.type}=${a.value}`;
  }
  return out;
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

function formatValue(tag: number, content: Uint8Array, raw: Uint8Array): string {
  const width = charWidth(tag);
  if (width < 0) return dump(raw);
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
