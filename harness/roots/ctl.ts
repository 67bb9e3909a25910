import { createHash, verify, X509Certificate } from "node:crypto";
import { children, DerError, expectTag, oidText, readTlv, readWhole, type Tlv } from "./der.ts";
import { asn1TimeToIso, filetimeToIso } from "./filetime.ts";

/**
 * Decoder for Microsoft Certificate Trust Lists (authroot.stl): a PKCS#7 SignedData (RFC 2315 §9)
 * whose content is a CTL (content type 1.3.6.1.4.1.311.10.1), carried directly under [0] rather
 * than inside an OCTET STRING. Structure, from wincrypt.h / MS-CAESO:
 *
 *   CertificateTrustList ::= SEQUENCE {
 *     subjectUsage SEQUENCE OF OID, listIdentifier OCTET STRING OPTIONAL,
 *     sequenceNumber INTEGER OPTIONAL, thisUpdate Time, nextUpdate Time OPTIONAL,
 *     subjectAlgorithm AlgorithmIdentifier, trustedSubjects SEQUENCE OF TrustedSubject OPTIONAL,
 *     ctlExtensions [0] EXPLICIT Extensions OPTIONAL }
 *   TrustedSubject ::= SEQUENCE { subjectIdentifier OCTET STRING, subjectAttributes SET OF Attribute }
 */

export const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
export const OID_CTL = "1.3.6.1.4.1.311.10.1";
const OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const OID_CONTENT_TYPE = "1.2.840.113549.1.9.3";

/** CTL subject attribute OIDs: 1.3.6.1.4.1.311.10.11.N, where N is the CERT_*_PROP_ID. */
export const CTL_PROP = {
  eku: 9,
  friendlyName: 11,
  keyId: 20,
  subjectNameMd5: 29,
  evPolicies: 83,
  sha256: 98,
  disallowedFiletime: 104,
  rootProgramFlags: 105,
  disallowedEku: 122,
  notBeforeFiletime: 126,
  notBeforeEku: 127,
} as const;
const PROP_PREFIX = "1.3.6.1.4.1.311.10.11.";

/** One TrustedSubject, every known attribute decoded. Hashes are lower-case hex, dates ISO 8601. */
export interface CtlSubject {
  /** SHA-1 thumbprint of the certificate (the subject identifier). */
  sha1: string;
  /** Prop 9: EKU OIDs the root is trusted for. Absent = no EKU property. */
  ekus?: string[];
  /** Prop 11 (UTF-16LE, NUL-terminated on the wire). */
  friendlyName?: string;
  /** Prop 20: subject key identifier. */
  keyId?: string;
  /** Prop 29: MD5 of the subject name. */
  subjectNameMd5?: string;
  /** Prop 83: EV policy OIDs. */
  evPolicies?: string[];
  /** Prop 98: SHA-256 of the certificate. */
  sha256?: string;
  /** Prop 104: disabled since. */
  disallowedSince?: string;
  /** Prop 105: root program flags / policy OIDs (the OIDs found in its SEQUENCE). */
  rootProgramFlags?: string[];
  /** Prop 122: EKUs disallowed for this root. */
  disallowedEkus?: string[];
  /** Prop 126: certificates issued after this date are not trusted. */
  notBefore?: string;
  /** Prop 127: EKUs the NotBefore date applies to (absent = all). */
  notBeforeEkus?: string[];
  /** Attributes with OIDs not listed above, value as hex of the SET content. */
  otherAttributes?: { oid: string; value: string }[];
}

/** A decoded CTL. */
export interface Ctl {
  subjectUsage: string[];
  /** Upper-case hex, as Windows shows it. */
  sequenceNumber?: string;
  thisUpdate: string;
  nextUpdate?: string;
  subjectAlgorithm: string;
  subjects: CtlSubject[];
  /** Digest over the CTL content matches messageDigest and the RSA/ECDSA signature verifies. */
  signature: "valid" | "invalid";
  /** Why the signature is invalid, when it is. */
  signatureProblem?: string;
  /** Subject DN (RFC 4514) of the embedded signer certificate. */
  signer?: string;
  digestAlgorithm: string;
}

const HASHES: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

function hex(buf: Uint8Array, t: Tlv): string {
  return Buffer.from(buf.buffer, buf.byteOffset + t.contentStart, t.end - t.contentStart).toString("hex");
}

function oidAt(buf: Uint8Array, t: Tlv | undefined, what: string): string {
  const o = expectTag(t, 0x06, what);
  if (o.end === o.contentStart) throw new DerError(`${what}: empty OBJECT IDENTIFIER`);
  if (buf[o.end - 1]! & 0x80) throw new DerError(`${what}: OBJECT IDENTIFIER ends mid-arc`);
  return oidText(buf, o);
}

function timeAt(buf: Uint8Array, t: Tlv, what: string): string {
  if (t.tag !== 0x17 && t.tag !== 0x18) throw new DerError(`${what}: expected UTCTime or GeneralizedTime`);
  const text = Buffer.from(buf.subarray(t.contentStart, t.end)).toString("latin1");
  const iso = asn1TimeToIso(text, t.tag === 0x18);
  if (!iso) throw new DerError(`${what}: bad time "${text}"`);
  return iso;
}

/** A SEQUENCE OF OID (EKU lists) inside `bytes`. */
function oidList(bytes: Uint8Array, what: string): string[] {
  const seq = expectTag(readWhole(bytes, what), 0x30, what);
  return children(bytes, seq).map((c, i) => oidAt(bytes, c, `${what}[${i}]`));
}

/** The leading OIDs of each element of a SEQUENCE OF (OID | SEQUENCE { OID, ... }) (policies). */
function policyOids(bytes: Uint8Array, what: string): string[] {
  const seq = expectTag(readWhole(bytes, what), 0x30, what);
  return children(bytes, seq).map((c, i) => {
    if (c.tag === 0x06) return oidAt(bytes, c, `${what}[${i}]`);
    const inner = children(bytes, expectTag(c, 0x30, `${what}[${i}]`));
    return oidAt(bytes, inner[0], `${what}[${i}].policyIdentifier`);
  });
}

function decodeSubject(buf: Uint8Array, t: Tlv, index: number): CtlSubject {
  const what = `trustedSubjects[${index}]`;
  const f = children(buf, expectTag(t, 0x30, what));
  const id = expectTag(f[0], 0x04, `${what}.subjectIdentifier`);
  if (id.end - id.contentStart !== 20)
    throw new DerError(
      `${what}.subjectIdentifier is ${id.end - id.contentStart} bytes, expected a 20-byte SHA-1`,
    );
  const s: CtlSubject = { sha1: hex(buf, id) };
  const other = (oid: string, value: string) => {
    s.otherAttributes = [...(s.otherAttributes ?? []), { oid, value }];
  };
  if (f.length > 2) throw new DerError(`${what}: ${f.length} fields, expected 2`);
  if (!f[1]) return s;
  for (const [j, a] of children(buf, expectTag(f[1], 0x31, `${what}.subjectAttributes`)).entries()) {
    const aw = `${what}.attribute[${j}]`;
    const af = children(buf, expectTag(a, 0x30, aw));
    if (af.length !== 2) throw new DerError(`${aw}: ${af.length} fields, expected 2`);
    const oid = oidAt(buf, af[0], `${aw}.type`);
    const values = children(buf, expectTag(af[1], 0x31, `${aw}.values`));
    if (!oid.startsWith(PROP_PREFIX)) {
      other(oid, hex(buf, af[1]!));
      continue;
    }
    if (values.length !== 1) throw new DerError(`${aw} (${oid}): ${values.length} values, expected 1`);
    const v = expectTag(values[0], 0x04, `${aw} (${oid}) value`);
    const bytes = buf.subarray(v.contentStart, v.end);
    const pw = `${aw} (${oid})`;
    const prop = Number(oid.slice(PROP_PREFIX.length));
    try {
      switch (prop) {
        case CTL_PROP.eku:
          s.ekus = oidList(bytes, pw);
          break;
        case CTL_PROP.friendlyName: {
          if (bytes.length % 2 !== 0) throw new DerError(`${pw}: odd UTF-16 length ${bytes.length}`);
          s.friendlyName = Buffer.from(bytes).toString("utf16le").replace(/\0+$/, "");
          break;
        }
        case CTL_PROP.keyId:
          s.keyId = Buffer.from(bytes).toString("hex");
          break;
        case CTL_PROP.subjectNameMd5:
          if (bytes.length !== 16) throw new DerError(`${pw}: MD5 is ${bytes.length} bytes, expected 16`);
          s.subjectNameMd5 = Buffer.from(bytes).toString("hex");
          break;
        case CTL_PROP.evPolicies:
          s.evPolicies = policyOids(bytes, pw);
          break;
        case CTL_PROP.sha256:
          if (bytes.length !== 32) throw new DerError(`${pw}: SHA-256 is ${bytes.length} bytes, expected 32`);
          s.sha256 = Buffer.from(bytes).toString("hex");
          break;
        case CTL_PROP.disallowedFiletime:
          s.disallowedSince = filetime(bytes, pw);
          break;
        case CTL_PROP.rootProgramFlags:
          s.rootProgramFlags = policyOids(bytes, pw);
          break;
        case CTL_PROP.disallowedEku:
          s.disallowedEkus = oidList(bytes, pw);
          break;
        case CTL_PROP.notBeforeFiletime:
          s.notBefore = filetime(bytes, pw);
          break;
        case CTL_PROP.notBeforeEku:
          s.notBeforeEkus = oidList(bytes, pw);
          break;
        default:
          other(oid, Buffer.from(bytes).toString("hex"));
      }
    } catch (err) {
      if (err instanceof DerError && !err.message.startsWith(pw)) throw new DerError(`${pw}: ${err.message}`);
      throw err;
    }
  }
  return s;
}

function filetime(bytes: Uint8Array, what: string): string {
  try {
    return filetimeToIso(bytes);
  } catch (err) {
    throw new DerError(`${what}: ${(err as Error).message}`);
  }
}

/**
 * Decode a CTL file (DER) and verify its signature.
 * @throws DerError naming the field for anything malformed, truncated, or not a CTL
 */
export function parseCtl(buf: Uint8Array): Ctl {
  const ci = expectTag(readWhole(buf, "ContentInfo"), 0x30, "ContentInfo");
  const cif = children(buf, ci);
  const ctype = oidAt(buf, cif[0], "ContentInfo.contentType");
  if (ctype !== OID_SIGNED_DATA)
    throw new DerError(`ContentInfo.contentType is ${ctype}, expected signedData`);
  const wrap = expectTag(cif[1], 0xa0, "ContentInfo.content");
  const sdWrap = children(buf, wrap);
  if (sdWrap.length !== 1 || cif.length !== 2) throw new DerError("ContentInfo: unexpected extra fields");
  const sd = expectTag(sdWrap[0], 0x30, "SignedData");
  const sdf = children(buf, sd);
  expectTag(sdf[0], 0x02, "SignedData.version");
  expectTag(sdf[1], 0x31, "SignedData.digestAlgorithms");
  const eci = expectTag(sdf[2], 0x30, "SignedData.contentInfo");
  const ecif = children(buf, eci);
  const innerType = oidAt(buf, ecif[0], "SignedData.contentInfo.contentType");
  if (innerType !== OID_CTL)
    throw new DerError(`SignedData.contentInfo.contentType is ${innerType}, expected ${OID_CTL} (CTL)`);
  const ctlWrap = expectTag(ecif[1], 0xa0, "SignedData.contentInfo.content");
  const ctlKids = children(buf, ctlWrap);
  if (ctlKids.length !== 1 || ecif.length !== 2)
    throw new DerError("SignedData.contentInfo: unexpected extra fields");
  const ctlT = expectTag(ctlKids[0], 0x30, "CertificateTrustList");

  let k = 3;
  const certs: Tlv[] = [];
  if (sdf[k]?.tag === 0xa0) certs.push(...children(buf, sdf[k++]!));
  if (sdf[k]?.tag === 0xa1) k++;
  const signerInfos = children(buf, expectTag(sdf[k++], 0x31, "SignedData.signerInfos"));
  if (k !== sdf.length) throw new DerError(`SignedData: ${sdf.length - k} unexpected trailing fields`);

  const ctl = decodeCtl(buf, ctlT);
  const sig = verifySignature(buf, ctlT, certs, signerInfos);
  return { ...ctl, ...sig };
}

function decodeCtl(
  buf: Uint8Array,
  ctlT: Tlv,
): Omit<Ctl, "signature" | "signer" | "signatureProblem" | "digestAlgorithm"> {
  const f = children(buf, ctlT);
  let i = 0;
  const usage = children(buf, expectTag(f[i++], 0x30, "CTL.subjectUsage")).map((t, j) =>
    oidAt(buf, t, `CTL.subjectUsage[${j}]`),
  );
  if (f[i]?.tag === 0x04) i++; // listIdentifier
  let sequenceNumber: string | undefined;
  if (f[i]?.tag === 0x02) sequenceNumber = hex(buf, f[i++]!).toUpperCase();
  if (!f[i]) throw new DerError("CTL.thisUpdate missing");
  const thisUpdate = timeAt(buf, f[i++]!, "CTL.thisUpdate");
  let nextUpdate: string | undefined;
  if (f[i]?.tag === 0x17 || f[i]?.tag === 0x18) nextUpdate = timeAt(buf, f[i++]!, "CTL.nextUpdate");
  const alg = children(buf, expectTag(f[i++], 0x30, "CTL.subjectAlgorithm"));
  const subjectAlgorithm = oidAt(buf, alg[0], "CTL.subjectAlgorithm.algorithm");
  const subjects: CtlSubject[] = [];
  if (f[i]?.tag === 0x30) {
    const list = children(buf, f[i++]!);
    for (const [j, t] of list.entries()) {
      try {
        subjects.push(decodeSubject(buf, t, j));
      } catch (err) {
        // Give reader-level errors ("bad DER length form at byte N") the entry they occurred in.
        if (err instanceof DerError && !err.message.startsWith("trustedSubjects"))
          throw new DerError(`trustedSubjects[${j}]: ${err.message}`);
        throw err;
      }
    }
  }
  if (f[i]?.tag === 0xa0) i++; // ctlExtensions
  if (i !== f.length)
    throw new DerError(`CTL: unexpected field with tag 0x${f[i]!.tag.toString(16)} at byte ${f[i]!.start}`);
  return {
    subjectUsage: usage,
    ...(sequenceNumber ? { sequenceNumber } : {}),
    thisUpdate,
    ...(nextUpdate ? { nextUpdate } : {}),
    subjectAlgorithm,
    subjects,
  };
}

/**
 * PKCS#7 signer check (RFC 2315 §9.3): messageDigest = hash of the content's DER *contents* octets
 * (the CTL SEQUENCE without its tag and length), and the signature covers the DER of the
 * authenticated attributes with their [0] IMPLICIT tag replaced by SET OF (0x31).
 * Structural problems throw; a mismatch is reported as "invalid".
 */
function verifySignature(
  buf: Uint8Array,
  ctlT: Tlv,
  certs: Tlv[],
  signerInfos: Tlv[],
): Pick<Ctl, "signature" | "signatureProblem" | "signer" | "digestAlgorithm"> {
  if (signerInfos.length === 0) throw new DerError("SignedData.signerInfos is empty");
  const si = children(buf, expectTag(signerInfos[0], 0x30, "SignerInfo"));
  const sid = children(buf, expectTag(si[1], 0x30, "SignerInfo.issuerAndSerialNumber"));
  const sidIssuer = expectTag(sid[0], 0x30, "SignerInfo.issuer");
  const sidSerial = expectTag(sid[1], 0x02, "SignerInfo.serialNumber");
  const digestAlgOid = oidAt(
    buf,
    children(buf, expectTag(si[2], 0x30, "SignerInfo.digestAlgorithm"))[0],
    "SignerInfo.digestAlgorithm",
  );
  const digestAlgorithm = HASHES[digestAlgOid];
  if (!digestAlgorithm) throw new DerError(`SignerInfo.digestAlgorithm ${digestAlgOid} not supported`);
  const attrs = expectTag(si[3], 0xa0, "SignerInfo.authenticatedAttributes");
  expectTag(si[4], 0x30, "SignerInfo.digestEncryptionAlgorithm");
  const sigT = expectTag(si[5], 0x04, "SignerInfo.encryptedDigest");

  let messageDigest: Uint8Array | undefined;
  let contentType: string | undefined;
  for (const [j, a] of children(buf, attrs).entries()) {
    const af = children(buf, expectTag(a, 0x30, `SignerInfo.authenticatedAttributes[${j}]`));
    const oid = oidAt(buf, af[0], `SignerInfo.authenticatedAttributes[${j}].type`);
    const vals = children(buf, expectTag(af[1], 0x31, `SignerInfo.authenticatedAttributes[${j}].values`));
    if (oid === OID_MESSAGE_DIGEST) {
      const v = expectTag(vals[0], 0x04, "messageDigest");
      messageDigest = buf.subarray(v.contentStart, v.end);
    } else if (oid === OID_CONTENT_TYPE) contentType = oidAt(buf, vals[0], "contentType attribute");
  }
  const signerCert = certs.find((c) => {
    const tbs = children(buf, expectTag(children(buf, c)[0], 0x30, "certificate TBS"));
    const o = tbs[0]?.tag === 0xa0 ? 1 : 0;
    const serial = tbs[o];
    const issuer = tbs[o + 2];
    return serial && issuer && sameBytes(buf, serial, sidSerial) && sameBytes(buf, issuer, sidIssuer);
  });
  if (!signerCert)
    return { signature: "invalid", signatureProblem: "signer certificate not embedded", digestAlgorithm };
  let x: X509Certificate;
  try {
    x = new X509Certificate(buf.subarray(signerCert.start, signerCert.end));
  } catch (err) {
    throw new DerError(`signer certificate does not parse: ${(err as Error).message}`);
  }
  const signer = x.subject.split("\n").reverse().join(",");
  const fail = (signatureProblem: string) =>
    ({ signature: "invalid", signatureProblem, signer, digestAlgorithm }) as const;
  if (!messageDigest) return fail("no messageDigest attribute");
  if (contentType !== undefined && contentType !== OID_CTL)
    return fail(`contentType attribute is ${contentType}`);
  const digest = createHash(digestAlgorithm).update(buf.subarray(ctlT.contentStart, ctlT.end)).digest();
  if (!digest.equals(messageDigest)) return fail("messageDigest does not match the CTL content");
  const signed = Buffer.from(buf.subarray(attrs.start, attrs.end));
  signed[0] = 0x31;
  let ok: boolean;
  try {
    ok = verify(digestAlgorithm, signed, x.publicKey, buf.subarray(sigT.contentStart, sigT.end));
  } catch (err) {
    return fail(`signature check failed: ${(err as Error).message}`);
  }
  return ok ? { signature: "valid", signer, digestAlgorithm } : fail("signature does not verify");
}

function sameBytes(buf: Uint8Array, a: Tlv, b: Tlv): boolean {
  return Buffer.from(buf.subarray(a.start, a.end)).equals(buf.subarray(b.start, b.end));
}

/** Re-export so callers need one import for the reader's error type. */
export { DerError, readTlv };
