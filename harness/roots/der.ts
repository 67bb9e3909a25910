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
 * Byte ranges of a certificate's issuer and subject, after checking the certificate's structure
 * (RFC 5280 §4.1) field by field: tags, order, nothing missing, nothing extra.
 *
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER, signature AlgorithmIdentifier,
 *   issuer Name, validity SEQUENCE { notBefore Time, notAfter Time }, subject Name,
 *   subjectPublicKeyInfo SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING },
 *   [1] issuerUniqueID OPTIONAL, [2] subjectUniqueID OPTIONAL, [3] extensions OPTIONAL }
 *
 * Structure only: values (dates, key parameters, signatures) are the servers' business; a root
 * some TLS stack rejects (SecureNet CA Class B in the 2012–2015 Microsoft lists) must still load.
 */
export function certificateNames(der: Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const cert = expectTag(readTlv(der, 0), 0x30, "Certificate");
  if (cert.end !== der.length)
    throw new DerError(`trailing bytes after Certificate (${der.length - cert.end} bytes)`);
  const top = children(der, cert);
  const tbs = expectTag(top[0], 0x30, "TBSCertificate");
  algorithmIdentifier(der, top[1], "Certificate.signatureAlgorithm");
  expectTag(top[2], 0x03, "Certificate.signatureValue (BIT STRING)");
  if (top.length > 3)
    throw new DerError(`Certificate: ${top.length - 3} unexpected elements after signatureValue`);
  const f = children(der, tbs);
  let i = 0;
  if (f[0]?.tag === 0xa0) {
    expectTag(children(der, f[0])[0], 0x02, "TBSCertificate.version (INTEGER)");
    i = 1;
  }
  expectTag(f[i], 0x02, "TBSCertificate.serialNumber (INTEGER)");
  algorithmIdentifier(der, f[i + 1], "TBSCertificate.signature");
  const issuer = expectTag(f[i + 2], 0x30, "TBSCertificate.issuer");
  const validity = children(der, expectTag(f[i + 3], 0x30, "TBSCertificate.validity"));
  if (validity.length !== 2 || validity.some((t) => t.tag !== 0x17 && t.tag !== 0x18))
    throw new DerError(
      "TBSCertificate.validity: expected notBefore and notAfter (UTCTime or GeneralizedTime)",
    );
  const subject = expectTag(f[i + 4], 0x30, "TBSCertificate.subject");
  const spki = children(der, expectTag(f[i + 5], 0x30, "TBSCertificate.subjectPublicKeyInfo"));
  algorithmIdentifier(der, spki[0], "subjectPublicKeyInfo.algorithm");
  expectTag(spki[1], 0x03, "subjectPublicKeyInfo.subjectPublicKey (BIT STRING)");
  if (spki.length !== 2) throw new DerError(`subjectPublicKeyInfo: ${spki.length} elements, expected 2`);
  // Optional fields, each at most once and in this order.
  let next = 0x81;
  for (const t of f.slice(i + 6)) {
    if (t.tag !== 0x81 && t.tag !== 0x82 && t.tag !== 0xa1 && t.tag !== 0xa2 && t.tag !== 0xa3)
      throw new DerError(
        `TBSCertificate: unexpected element with tag 0x${t.tag.toString(16)} after subjectPublicKeyInfo`,
      );
    const n = t.tag & 0x1f;
    if (n < (next & 0x1f))
      throw new DerError(`TBSCertificate: optional field [${n}] out of order or repeated`);
    next = n + 1;
    if (t.tag === 0xa3) expectTag(children(der, t)[0], 0x30, "TBSCertificate.extensions");
  }
  return {
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
  };
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } */
function algorithmIdentifier(der: Uint8Array, t: Tlv | undefined, what: string): void {
  const parts = children(der, expectTag(t, 0x30, what));
  expectTag(parts[0], 0x06, `${what}.algorithm (OBJECT IDENTIFIER)`);
  if (parts.length > 2) throw new DerError(`${what}: ${parts.length} elements, expected at most 2`);
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
