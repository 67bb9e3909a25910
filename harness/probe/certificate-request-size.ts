/**
 * Exact size of a CertificateRequest as a server builds it, from the parts a server chooses (how
 * many certificate types and signature algorithms, which other extensions) and the CA list's
 * length. The same structs the parser in certificate-request.ts reads; a unit test checks the two
 * agree on captured messages.
 */

import { CA_LIST_LIMIT_BYTES } from "../model/limits.ts";

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

/**
 * What OpenSSL 3.0 servers (s_server, nginx, Apache, HAProxy, stunnel, Node) put around the list:
 * 3 certificate types and 20 signature algorithms on TLS 1.2, 16 on TLS 1.3. Measured:
 * test/fixtures/probe/tls12-certificate-request-65535.hex, tls13-certificate-request.hex, and
 * re-measured on every server by test/integration/check/limits.test.ts.
 */
export const OPENSSL_REQUEST = {
  "1.2": { certificateTypes: 3, signatureAlgorithms: 20 },
  "1.3": { signatureAlgorithms: 16, otherExtensionsBytes: 0 },
} as const satisfies { "1.2": RequestShape12; "1.3": RequestShape13 };

/** gnutls-serv 3.7.9: 2 types, 16 algorithms; TLS 1.3 adds a 4-byte extension. Measured by the same test. */
export const GNUTLS_REQUEST = {
  "1.2": { certificateTypes: 2, signatureAlgorithms: 16 },
  "1.3": { signatureAlgorithms: 16, otherExtensionsBytes: 4 },
} as const satisfies { "1.2": RequestShape12; "1.3": RequestShape13 };

/**
 * Go 1.19 crypto/tls, read in /usr/lib/go-1.19/src/crypto/tls: rsa_sign + ecdsa_sign and the 12
 * defaultSupportedSignatureAlgorithms (handshake_server.go); TLS 1.3 also sets ocspStapling and
 * scts, two empty extensions of 4 bytes each (handshake_server_tls13.go).
 */
export const GO_REQUEST = {
  "1.2": { certificateTypes: 2, signatureAlgorithms: 12 },
  "1.3": { signatureAlgorithms: 12, otherExtensionsBytes: 8 },
} as const satisfies { "1.2": RequestShape12; "1.3": RequestShape13 };

/**
 * JSSE (OpenJDK 17) as a server, read with `openssl s_client -trace` and bisected to the byte
 * (docs/limits-by-version.md): 3 certificate types on TLS 1.2; on TLS 1.3 the
 * list sits between signature_algorithms and signature_algorithms_cert (16 schemes: 4 + 2 + 32 B,
 * both builds). Debian 17.0.15: 21 algorithms on TLS 1.2 and 16 in TLS 1.3's
 * signature_algorithms, the certificate-scope list used for both.
 */
export const JSSE_17_0_15_REQUEST = {
  "1.2": { certificateTypes: 3, signatureAlgorithms: 21 },
  "1.3": { signatureAlgorithms: 16, otherExtensionsBytes: 38 },
} as const satisfies { "1.2": RequestShape12; "1.3": RequestShape13 };

/**
 * Debian 17.0.21.1: TLS 1.2 drops the SHA-1 handshake signatures (ecdsa_sha1, rsa_pkcs1_sha1,
 * dsa_sha1: JDK-8340321), and TLS 1.3's signature_algorithms holds only handshake-scope schemes
 * (JDK-8349583: no rsa_pkcs1_*, no SHA-1; 11), while signature_algorithms_cert keeps all 16. Five
 * schemes fewer in the extensions block: 10 bytes more for the CA list.
 */
export const JSSE_17_0_21_REQUEST = {
  "1.2": { certificateTypes: 3, signatureAlgorithms: 18 },
  "1.3": { signatureAlgorithms: 11, otherExtensionsBytes: 38 },
} as const satisfies { "1.2": RequestShape12; "1.3": RequestShape13 };

/**
 * Erlang/OTP 25 ssl (10.8.7) as a server, read with `openssl s_client -trace` and bisected
 * (scenarios/erlang-bc-servers.scenario.ts): 3 certificate types and 17 signature algorithms on
 * TLS 1.2; on TLS 1.3 signature_algorithms (16 schemes) then certificate_authorities, nothing else.
 */
export const OTP_25_REQUEST = {
  "1.2": { certificateTypes: 3, signatureAlgorithms: 17 },
  "1.3": { signatureAlgorithms: 16, otherExtensionsBytes: 0 },
} as const satisfies { "1.2": RequestShape12; "1.3": RequestShape13 };

/**
 * BouncyCastle JSSE 1.72 (bctls) as a server on Java 17, read the same way: 3 certificate types and
 * 21 signature algorithms on TLS 1.2; on TLS 1.3 certificate_authorities then signature_algorithms
 * (19 schemes, brainpool included), nothing else.
 */
export const BCJSSE_1_72_REQUEST = {
  "1.2": { certificateTypes: 3, signatureAlgorithms: 21 },
  "1.3": { signatureAlgorithms: 19, otherExtensionsBytes: 0 },
} as const satisfies { "1.2": RequestShape12; "1.3": RequestShape13 };

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
  // The extensions block has the same 16-bit length prefix as the list itself.
  return CA_LIST_LIMIT_BYTES - (requestSize13(shape, 0).extensionsBytes ?? 0);
}
