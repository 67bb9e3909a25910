import { children, readWhole, tlv } from "../roots/der.ts";
import type { RootEntry } from "../roots/root-store.ts";

/** String types OpenSSL canonicalises (ASN1_MASK_CANON in crypto/x509/x_name.c). */
const CANON_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);

/** The string's characters as UTF-8, per its ASN.1 type (what ASN1_STRING_to_UTF8 does). */
function toUtf8(tag: number, v: Uint8Array): Buffer {
  switch (tag) {
    case 0x0c: // UTF8String
      return Buffer.from(v);
    case 0x1e: {
      // BMPString: UTF-16BE
      const le = Buffer.from(v);
      le.swap16();
      return Buffer.from(le.toString("utf16le"), "utf8");
    }
    case 0x1c: {
      // UniversalString: UCS-4BE
      let s = "";
      for (let i = 0; i + 3 < v.length; i += 4)
        s += String.fromCodePoint(((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0);
      return Buffer.from(s, "utf8");
    }
    default:
      // PrintableString, T61String, IA5String, VisibleString: one byte per character (Latin-1).
      return Buffer.from(Buffer.from(v).toString("latin1"), "utf8");
  }
}

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/**
 * asn1_string_canon: trim spaces at both ends, collapse inner runs of spaces to one, lower-case
 * ASCII letters; bytes ≥ 0x80 are kept as they are.
 */
function canonString(s: Buffer): Uint8Array {
  let from = 0;
  let to = s.length;
  while (from < to && isSpace(s[from]!)) from++;
  while (to > from && isSpace(s[to - 1]!)) to--;
  const out: number[] = [];
  for (let i = from; i < to; ) {
    const c = s[i]!;
    if (c >= 0x80) {
      out.push(c);
      i++;
    } else if (isSpace(c)) {
      out.push(0x20);
      while (i < to && isSpace(s[i]!)) i++;
    } else {
      out.push(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
      i++;
    }
  }
  return Uint8Array.from(out);
}

/**
 * OpenSSL's canonical encoding of a Name (x509_name_canon): each RDN as a DER SET of
 * SEQUENCE { OID, value } with canonicalised strings re-encoded as UTF8String, the SETs
 * concatenated without the outer SEQUENCE. X509_NAME_cmp orders names by this.
 */
export function canonicalName(subjectDer: Uint8Array): Buffer {
  const name = readWhole(subjectDer, "Name");
  const sets: Uint8Array[] = [];
  for (const rdn of children(subjectDer, name)) {
    const entries = children(subjectDer, rdn).map((atv) => {
      const [oid, value] = children(subjectDer, atv);
      const oidDer = subjectDer.subarray(oid!.start, oid!.end);
      const content = subjectDer.subarray(value!.contentStart, value!.end);
      const v = CANON_TAGS.has(value!.tag)
        ? tlv(0x0c, canonString(toUtf8(value!.tag, content)))
        : subjectDer.subarray(value!.start, value!.end);
      return Buffer.from(tlv(0x30, oidDer, v));
    });
    // DER SET OF: elements in ascending order of their encodings.
    entries.sort(Buffer.compare);
    sets.push(tlv(0x31, ...entries));
  }
  return Buffer.concat(sets);
}

/** X509_NAME_cmp: shorter canonical encoding first, then bytewise. */
function compareCanonical(a: Buffer, b: Buffer): number {
  return a.length - b.length || Buffer.compare(a, b);
}

/**
 * The order Apache, HAProxy and stunnel send names in: they collect names into a stack that
 * OpenSSL sorts (by X509_NAME_cmp) on every duplicate lookup before the next push, so the list
 * ends sorted except for the name pushed last, which stays at the end.
 */
export function opensslSortedOrder(entries: readonly RootEntry[]): RootEntry[] {
  if (entries.length < 2) return [...entries];
  const keyed = entries.map((e) => ({ e, k: canonicalName(e.subjectDer) }));
  const last = keyed.pop()!;
  keyed.sort((x, y) => compareCanonical(x.k, y.k));
  return [...keyed.map((x) => x.e), last.e];
}
