import type { TlsVersion } from "../model/tls.ts";
import { ByteReader } from "./byte-reader.ts";
import { readExtensions } from "./extensions.ts";

/**
 * The other server messages the probe reads on the way to the CertificateRequest. They are checked
 * structurally (every length), not interpreted: the probe never verifies the server.
 */

/** EncryptedExtensions, RFC 8446 §4.3.1: `Extension extensions<0..2^16-1>`. */
export function parseEncryptedExtensions(body: Uint8Array): void {
  const r = new ByteReader(body);
  readExtensions(
    r.vector(2, "EncryptedExtensions.extensions", "RFC 8446 §4.3.1", { wholeRest: true }),
    "EncryptedExtensions",
    "RFC 8446 §4.3.1",
  );
  r.expectEnd("EncryptedExtensions", "RFC 8446 §4.3.1");
}

/**
 * Certificate. TLS 1.3 (RFC 8446 §4.4.2): `opaque certificate_request_context<0..2^8-1>;
 * CertificateEntry certificate_list<0..2^24-1>` with `opaque cert_data<1..2^24-1>; Extension
 * extensions<0..2^16-1>`. TLS 1.2 (RFC 5246 §7.4.2): `ASN.1Cert certificate_list<0..2^24-1>`.
 * Returns the number of certificates.
 */
export function parseCertificate(body: Uint8Array, tls: TlsVersion): number {
  const rfc = tls === "1.3" ? "RFC 8446 §4.4.2" : "RFC 5246 §7.4.2";
  const r = new ByteReader(body);
  if (tls === "1.3") r.vector(1, "Certificate.certificate_request_context", rfc);
  const list = r.vector(3, "Certificate.certificate_list", rfc, { wholeRest: true });
  let n = 0;
  while (list.remaining > 0) {
    list.vector(3, `Certificate.certificate_list[${n}]`, rfc, { floor: 1 });
    if (tls === "1.3") list.vector(2, `Certificate.certificate_list[${n}].extensions`, rfc);
    n++;
  }
  r.expectEnd("Certificate", rfc);
  return n;
}

/** ServerHelloDone, RFC 5246 §7.4.5: empty. */
export function parseServerHelloDone(body: Uint8Array): void {
  new ByteReader(body).expectEnd("ServerHelloDone", "RFC 5246 §7.4.5");
}
