import { children, DerError, expectTag, oidText, readWhole } from "./der.ts";

/**
 * RFC 4514 text for a DER Name (RFC 5280 §4.1.2.4): RDNs in reverse order joined by ",",
 * multi-valued RDNs joined by "+", the RFC 4514 §3 short names, any other type as its dotted
 * OID with the value as "#" + hex of its DER (§2.4), special characters backslash-escaped.
 */

/** RFC 4514 §3 table. */
const SHORT: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.9": "STREET",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
};

function decodeString(tag: number, bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes);
  switch (tag) {
    case 0x0c: // UTF8String
      return b.toString("utf8");
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x14: // TeletexString: in practice Latin-1 in root certificates
      return b.toString("latin1");
    case 0x1e: {
      // BMPString: UTF-16BE
      if (b.length % 2) return undefined;
      const le = Buffer.from(b);
      le.swap16();
      return le.toString("utf16le");
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      if (b.length % 4) return undefined;
      let s = "";
      for (let i = 0; i < b.length; i += 4) s += String.fromCodePoint(b.readUInt32BE(i));
      return s;
    }
    default:
      return undefined;
  }
}

/** RFC 4514 §2.4 escaping. */
export function escapeDnValue(v: string): string {
  let s = v.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, "\\00");
  if (s.startsWith(" ") || s.startsWith("#")) s = `\\${s}`;
  if (s.length > 1 && s.endsWith(" ") && !s.endsWith("\\ ")) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/**
 * Format a DER Name as RFC 4514 text.
 * @throws DerError when the bytes are not a Name
 */
export function nameToString(der: Uint8Array): string {
  const name = expectTag(readWhole(der, "Name"), 0x30, "Name");
  const rdns = children(der, name).map((set, i) => {
    const atvs = children(der, expectTag(set, 0x31, `Name RDN ${i}`));
    return atvs
      .map((atv) => {
        const [type, value, extra] = children(der, expectTag(atv, 0x30, "AttributeTypeAndValue"));
        const oid = oidText(der, expectTag(type, 0x06, "AttributeType"));
        if (!value || extra) throw new DerError("AttributeTypeAndValue: expected type and value");
        const short = SHORT[oid];
        const text = short ? decodeString(value.tag, der.subarray(value.contentStart, value.end)) : undefined;
        if (short && text !== undefined) return `${short}=${escapeDnValue(text)}`;
        return `${short ?? oid}=#${Buffer.from(der.subarray(value.start, value.end)).toString("hex")}`;
      })
      .join("+");
  });
  return rdns.reverse().join(",");
}
