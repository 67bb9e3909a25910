import { DerError } from "../roots/der.ts";
import { nameToRfc4514 } from "../roots/distinguished-name.ts";
import { ByteReader } from "./byte-reader.ts";
import { readExtensions } from "./extensions.ts";
import { ParseFailure } from "./parse-error.ts";
import { ExtensionType } from "./tls-codes.ts";

/** One CA name as advertised: its DER and its RFC 4514 text. */
export interface AdvertisedAuthority {
  der: Uint8Array;
  name: string;
}

/** A decoded CertificateRequest, TLS 1.2 or 1.3. */
export interface CertificateRequestInfo {
  authorities: AdvertisedAuthority[];
  /** The certificate_authorities list length as on the wire (bytes, without its own u16 prefix). */
  authoritiesBytes: number;
  /** The whole CertificateRequest handshake message, 4-byte header included (bytes). */
  messageBytes: number;
  signatureAlgorithms: number[];
  /** TLS 1.2 only: ClientCertificateType list. */
  certificateTypes?: number[];
  /** TLS 1.3 only: certificate_request_context. */
  context?: Uint8Array;
  /** True when TLS 1.3 sent no certificate_authorities extension at all. */
  authoritiesOmitted?: boolean;
  /** Protocol violations that a lenient client (openssl s_client) accepts, e.g. an empty authorities list in TLS 1.3. */
  violations?: string[];
}

/**
 * `DistinguishedName certificate_authorities<..>` contents: `opaque DistinguishedName<1..2^16-1>`
 * entries until the list ends, each a DER Name (RFC 5246 §7.4.4, RFC 8446 §4.2.4).
 */
export function readDistinguishedNames(list: ByteReader, field: string, rfc: string): AdvertisedAuthority[] {
  const out: AdvertisedAuthority[] = [];
  while (list.remaining > 0) {
    const i = out.length;
    // Checked by hand rather than with vector(): the field name with its index is only built on failure.
    if (list.remaining < 2)
      throw new ParseFailure({
        kind: "short-read",
        field: `${field}[${i}] length`,
        rfc,
        need: 2,
        have: list.remaining,
      });
    const n = list.u16(field, rfc);
    if (n === 0)
      throw new ParseFailure({
        kind: "bad-length",
        field: `${field}[${i}]`,
        rfc,
        declared: 0,
        bounds: "1..65535",
      });
    if (n > list.remaining)
      throw new ParseFailure({
        kind: "bad-length",
        field: `${field}[${i}]`,
        rfc,
        declared: n,
        present: list.remaining,
      });
    const der = list.take(n, field, rfc);
    let name: string;
    try {
      name = nameToRfc4514(der);
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
      throw new ParseFailure({
        kind: "bad-value",
        field: `${field}[${i}]`,
        rfc,
        value: `not a DER Name: ${err.message}`,
      });
    }
    out.push({ der, name });
  }
  return out;
}

function u16List(r: ByteReader, field: string, rfc: string): number[] {
  const out: number[] = [];
  if (r.remaining % 2 !== 0)
    throw new ParseFailure({ kind: "bad-length", field, rfc, declared: r.remaining, bounds: "even" });
  while (r.remaining > 0) out.push(r.u16(field, rfc));
  return out;
}

const RFC12 = "RFC 5246 §7.4.4";

/**
 * TLS 1.2 CertificateRequest body, RFC 5246 §7.4.4:
 * `ClientCertificateType certificate_types<1..2^8-1>; SignatureAndHashAlgorithm
 * supported_signature_algorithms<2..2^16-2>; DistinguishedName certificate_authorities<0..2^16-1>;`
 * The authorities list must fill the rest of the message: when it does not, the error says whether
 * the gap is a multiple of 65,536 (a wrapped length, as GnuTLS and Go send).
 */
export function parseCertificateRequest12(body: Uint8Array): CertificateRequestInfo {
  const r = new ByteReader(body);
  const types = r.vector(1, "CertificateRequest.certificate_types", RFC12, { floor: 1 });
  const certificateTypes = [...types.rest()];
  const signatureAlgorithms = u16List(
    r.vector(2, "CertificateRequest.supported_signature_algorithms", RFC12, { floor: 2, ceiling: 0xfffe }),
    "CertificateRequest.supported_signature_algorithms",
    RFC12,
  );
  const list = r.vector(2, "CertificateRequest.certificate_authorities", RFC12, { wholeRest: true });
  const authoritiesBytes = list.remaining;
  const authorities = readDistinguishedNames(list, "CertificateRequest.certificate_authorities", RFC12);
  r.expectEnd("CertificateRequest", RFC12);
  return {
    authorities,
    authoritiesBytes,
    messageBytes: body.length + 4,
    signatureAlgorithms,
    certificateTypes,
  };
}

const RFC13 = "RFC 8446 §4.3.2";
const RFC13_CA = "RFC 8446 §4.2.4";

/**
 * TLS 1.3 CertificateRequest body, RFC 8446 §4.3.2:
 * `opaque certificate_request_context<0..2^8-1>; Extension extensions<2..2^16-1>;` with
 * signature_algorithms (required, §4.2.3) and certificate_authorities (§4.2.4:
 * `DistinguishedName authorities<3..2^16-1>`).
 */
export function parseCertificateRequest13(body: Uint8Array): CertificateRequestInfo {
  const r = new ByteReader(body);
  const context = r.vector(1, "CertificateRequest.certificate_request_context", RFC13).rest();
  const exts = readExtensions(
    r.vector(2, "CertificateRequest.extensions", RFC13, { floor: 2, wholeRest: true }),
    "CertificateRequest",
    RFC13,
  );
  r.expectEnd("CertificateRequest", RFC13);
  const sa = exts.get(ExtensionType.signatureAlgorithms);
  if (!sa)
    throw new ParseFailure({
      kind: "bad-value",
      field: "CertificateRequest.signature_algorithms",
      rfc: RFC13,
      value: "missing",
    });
  const sigField = "signature_algorithms.supported_signature_algorithms";
  const signatureAlgorithms = u16List(
    sa.vector(2, sigField, "RFC 8446 §4.2.3", { floor: 2, ceiling: 0xfffe, wholeRest: true }),
    sigField,
    "RFC 8446 §4.2.3",
  );
  const violations: string[] = [];
  const ca = exts.get(ExtensionType.certificateAuthorities);
  let authorities: AdvertisedAuthority[] = [];
  let authoritiesBytes = 0;
  if (ca) {
    const list = ca.vector(2, "certificate_authorities.authorities", RFC13_CA, { wholeRest: true });
    authoritiesBytes = list.remaining;
    // OpenSSL with -no_ca_names / -CANames sends an empty list; RFC 8446 says <3..2^16-1>. OpenSSL's
    // client accepts it and GnuTLS's rejects it, so it is recorded, not fatal.
    if (authoritiesBytes === 0)
      violations.push(
        "certificate_authorities extension with an empty list (RFC 8446 §4.2.4 requires at least 3 bytes)",
      );
    authorities = readDistinguishedNames(list, "certificate_authorities.authorities", RFC13_CA);
  }
  return {
    authorities,
    authoritiesBytes,
    messageBytes: body.length + 4,
    signatureAlgorithms,
    context,
    ...(ca ? {} : { authoritiesOmitted: true }),
    ...(violations.length ? { violations } : {}),
  };
}
