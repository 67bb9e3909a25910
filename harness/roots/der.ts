/**
 * A minimal DER reader: enough to walk certificates and CTLs quickly without building an object
 * tree. Every length is checked against the bytes present.
 */
export interface Tlv {
  /** Full identifier octet (class + constructed bit + tag number for low tags). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset one past the last content byte. */
  end: number;
}

export class DerError extends Error {
  override readonly name = "DerError";
}

/** Read one TLV at `offset` inside `buf[..limit]`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError(`truncated DER at byte ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag numbers not supported at byte ${offset}`);
  let p = offset + 1;
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError(`bad DER length form at byte ${offset}`);
    if (p + n > limit) throw new DerError(`truncated DER length at byte ${offset}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > limit)
    throw new DerError(`DER element at byte ${offset} declares ${len} bytes, only ${limit - p} present`);
  return { tag, start: offset, contentStart: p, end: p + len };
}

/** The children of a constructed TLV. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const t = readTlv(buf, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

/** Expect a tag; name the thing in the error. */
export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new DerError(`missing ${what}`);
  if (t.tag !== tag)
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** Decode an OBJECT IDENTIFIER's content bytes to dotted text. */
export function oidText(buf: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let value = 0;
  for (let i = t.contentStart; i < t.end; i++) {
    const b = buf[i]!;
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

/**
 * Byte ranges of a certificate's TBSCertificate fields, RFC 5280 §4.1:
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, ... }
 */
export function certificateNames(der: Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const cert = expectTag(readTlv(der, 0), 0x30, "Certificate");
  if (cert.end !== der.length)
    throw new DerError(`trailing bytes after Certificate (${der.length - cert.end} bytes)`);
  const tbs = expectTag(readTlv(der, cert.contentStart, cert.end), 0x30, "TBSCertificate");
  const f = children(der, tbs);
  const i = f[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = expectTag(f[i + 2], 0x30, "issuer");
  const subject = expectTag(f[i + 4], 0x30, "subject");
  return {
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
  };
}

/** Read the single TLV that must span all of `buf`; trailing bytes are an error. */
export function readWhole(buf: Uint8Array, what: string): Tlv {
  if (buf.length === 0) throw new DerError(`${what}: empty input`);
  const t = readTlv(buf, 0);
  if (t.end !== buf.length)
    throw new DerError(`${what}: ${buf.length - t.end} trailing bytes after byte ${t.end}`);
  return t;
}

/** Encode a DER length (short form below 128, long form otherwise). */
export function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** Size of a TLV whose content is `contentLength` bytes (low tag numbers). */
export function tlvSize(contentLength: number): number {
  return 1 + encodeLength(contentLength).length + contentLength;
}

/** Build one TLV from a tag and content parts. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const len = encodeLength(n);
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  let o = 1 + len.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Encode a dotted OID as a full OBJECT IDENTIFIER TLV. */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split(".").map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0))
    throw new DerError(`bad OID "${oid}"`);
  const out: number[] = [];
  const push = (v: number) => {
    const tmp = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) tmp.unshift((x & 0x7f) | 0x80);
    out.push(...tmp);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Uint8Array.from(out));
}
