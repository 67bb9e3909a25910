import { describe, expect, it } from "vitest";
import { CA_LIST_LIMIT_BYTES } from "../../../harness/model/limits.ts";
import {
  parseCertificateRequest12,
  parseCertificateRequest13,
} from "../../../harness/probe/certificate-request.ts";
import {
  GNUTLS_REQUEST,
  maxListBytes13,
  OPENSSL_REQUEST,
  requestSize12,
  requestSize13,
} from "../../../harness/probe/certificate-request-size.ts";
import { hexFixture } from "../../support/hex-fixture.ts";

describe("CertificateRequest size arithmetic", () => {
  it("TLS 1.2: the captured 65,535-byte s_server message is exactly the computed size (bytes)", () => {
    const msg = hexFixture("tls12-certificate-request-65535");
    const cr = parseCertificateRequest12(msg.subarray(4));
    const shape = {
      certificateTypes: cr.certificateTypes!.length,
      signatureAlgorithms: cr.signatureAlgorithms.length,
    };
    expect(shape).toEqual(OPENSSL_REQUEST["1.2"]);
    expect(requestSize12(shape, cr.authoritiesBytes)).toEqual({
      bodyBytes: msg.length - 4,
      messageBytes: msg.length,
    });
  });

  it("TLS 1.3: captured messages with a list and with an empty list (-no_ca_names) match (bytes)", () => {
    for (const name of ["tls13-certificate-request", "tls13-certificate-request-no-ca-names"]) {
      const msg = hexFixture(name);
      const cr = parseCertificateRequest13(msg.subarray(4));
      expect(cr.signatureAlgorithms.length).toBe(OPENSSL_REQUEST["1.3"].signatureAlgorithms);
      expect(requestSize13(OPENSSL_REQUEST["1.3"], cr.authoritiesBytes).messageBytes, name).toBe(msg.length);
    }
  });

  it("the TLS 1.3 extensions block puts the measured limits at 65,491 B (OpenSSL) and 65,487 B (GnuTLS)", () => {
    // The measured figures of docs/domain.md and the driver suite, derived here from the shapes alone.
    expect(maxListBytes13(OPENSSL_REQUEST["1.3"])).toBe(65_491);
    expect(maxListBytes13(GNUTLS_REQUEST["1.3"])).toBe(65_487);
    expect(requestSize13(OPENSSL_REQUEST["1.3"], 65_491).extensionsBytes).toBe(CA_LIST_LIMIT_BYTES);
  });

  it("an omitted extension costs nothing; the Go and Java message figures of docs/domain.md follow (bytes)", () => {
    expect(requestSize13(OPENSSL_REQUEST["1.3"], undefined).bodyBytes).toBe(1 + 2 + 4 + 2 + 32);
    // Go: "handshake message of length 65569" at a 65,521-byte list; Java: 54,024 at 53,976 (s_server, TLS 1.2).
    expect(requestSize12(OPENSSL_REQUEST["1.2"], 65_521).bodyBytes).toBe(65_569);
    expect(requestSize12(OPENSSL_REQUEST["1.2"], 53_976).bodyBytes).toBe(54_024);
  });
});
