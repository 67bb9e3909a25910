/**
 * Exact size of a CertificateRequest as a server builds it, from the parts a server chooses (how
 * many certificate types and signature algorithms, which other extensions) and the CA list's
 * length. The same structs the parser in certificate-request.ts reads; a unit test checks the two
 * agree on captured messages.
 */

/** The largest value of a 16-bit TLS length prefix. */
export const U16_MAX = 0xffff;

/** What a server puts around the CA list in a TLS 1.2 CertificateRequest. */
export interface RequestShape12 {
  certificateTypes: number;
  signatureAlgorithms: number;
}

/** What a server puts around the CA list in a TLS 1.3 CertificateRequest. */
export interface RequestShape13 {
  signatureAlgorithms: number;
  /** Bytes of the other extensions in the CertificateRequest (type and length headers included). */
  otherExtensionsBytes: number;
  /** certificate_request_context length: 0 during the handshake (RFC 8446 §4.3.2). */
  contextBytes?: number;
}

/** Sizes of one CertificateRequest, bytes. */
export interface RequestSize {
  /** Handshake message body: what a client compares with its message-size cap. */
  bodyBytes: number;
  /** The whole handshake message, its 4-byte header included. */
  messageBytes: number;
  /** TLS 1.3 only: the extensions block, a 16-bit vector the CA list shares (RFC 8446 §4.3.2). */
  extensionsBytes?: number;
}

/** Handshake header: msg_type u8 + length u24 (RFC 5246 §7.4, RFC 8446 §4). */
const HEADER = 4;
/** Extension header: extension_type u16 + extension_data length u16 (RFC 8446 §4.2). */
const EXT_HEADER = 4;

/**
 * RFC 5246 §7.4.4: `certificate_types<1..2^8-1>` (u8 + 1 byte each),
 * `supported_signature_algorithms<2..2^16-2>` (u16 + 2 bytes each), `certificate_authorities<0..2^16-1>` (u16 + list).
 */
export function requestSize12(shape: RequestShape12, listBytes: number): RequestSize {
  const bodyBytes = 1 + shape.certificateTypes + 2 + 2 * shape.signatureAlgorithms + 2 + listBytes;
  return { bodyBytes, messageBytes: HEADER + bodyBytes };
}

/** RFC 4346 §7.4.4 (TLS 1.0/1.1): certificate_types then certificate_authorities, no signature algorithms. */
export function requestSize10(certificateTypes: number, listBytes: number): RequestSize {
  const bodyBytes = 1 + certificateTypes + 2 + listBytes;
  return { bodyBytes, messageBytes: HEADER + bodyBytes };
}

/**
 * RFC 8446 §4.3.2: `certificate_request_context<0..2^8-1>` then `extensions<2..2^16-1>` holding
 * signature_algorithms (§4.2.3: u16 + 2 bytes each) and, unless `listBytes` is undefined (omitted),
 * certificate_authorities (§4.2.4: u16 + list).
 */
export function requestSize13(shape: RequestShape13, listBytes: number | undefined): RequestSize {
  const sigalgs = EXT_HEADER + 2 + 2 * shape.signatureAlgorithms;
  const cas = listBytes === undefined ? 0 : EXT_HEADER + 2 + listBytes;
  const extensionsBytes = sigalgs + cas + shape.otherExtensionsBytes;
  const bodyBytes = 1 + (shape.contextBytes ?? 0) + 2 + extensionsBytes;
  return { bodyBytes, messageBytes: HEADER + bodyBytes, extensionsBytes };
}

/**
 * The longest CA list whose TLS 1.3 extensions block still fits its 16-bit length: what OpenSSL's
 * and GnuTLS's servers can send on TLS 1.3, since both refuse rather than overflow the block.
 */
export function maxListBytes13(shape: RequestShape13): number {
  return U16_MAX - (requestSize13(shape, 0).extensionsBytes ?? 0);
}
