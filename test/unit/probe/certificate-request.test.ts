import { describe, expect, it } from "vitest";
import {
  parseCertificateRequest12,
  parseCertificateRequest13,
} from "../../../harness/probe/certificate-request.ts";
import { parseCertificate, parseEncryptedExtensions } from "../../../harness/probe/handshake-messages.ts";
import { describeParseError, parsed } from "../../../harness/probe/parse-error.ts";
import { parseServerHello } from "../../../harness/probe/server-hello.ts";
import { hexFixture } from "../../support/hex-fixture.ts";
import { microsoftRoots } from "../../support/root-data.ts";

const body = (name: string) => hexFixture(name).subarray(4);

describe("CertificateRequest, captured from openssl s_server", () => {
  it("TLS 1.3 (RFC 8446 §4.3.2): context, signature_algorithms, certificate_authorities", () => {
    const cr = parseCertificateRequest13(body("tls13-certificate-request"));
    expect(cr.context).toHaveLength(0);
    expect(cr.signatureAlgorithms).toContain(0x0804);
    expect(cr.authorities).toHaveLength(3);
    const real = microsoftRoots().slice(0, 2);
    expect(cr.authorities.slice(1).map((a) => Buffer.from(a.der).toString("hex"))).toEqual(
      real.map((e) => Buffer.from(e.subjectDer).toString("hex")),
    );
    expect(cr.authorities[0]!.name).toBe(
      "C=US,O=rootload test enterprise,CN=rootload Enterprise Client Issuing CA",
    );
    expect(cr.messageBytes).toBe(hexFixture("tls13-certificate-request").length);
    expect(cr.authoritiesBytes).toBe(cr.authorities.reduce((n, a) => n + 2 + a.der.length, 0));
  });

  it("TLS 1.3 with -no_ca_names: an empty list is read, and flagged as a violation", () => {
    const cr = parseCertificateRequest13(body("tls13-certificate-request-no-ca-names"));
    expect(cr.authorities).toEqual([]);
    expect(cr.authoritiesBytes).toBe(0);
    expect(cr.violations?.[0]).toMatch(/empty list/);
  });

  it("TLS 1.2 (RFC 5246 §7.4.4) at exactly 65,535 bytes", () => {
    const cr = parseCertificateRequest12(body("tls12-certificate-request-65535"));
    expect(cr.authoritiesBytes).toBe(65_535);
    expect(cr.authorities).toHaveLength(512);
    expect(cr.certificateTypes).toContain(1); // rsa_sign
    expect(cr.authorities[0]!.name).toMatch(/^CN=rootload synthetic 0000 x+$/);
  });

  it("TLS 1.2 with a wrapped length: malformed, and the detail says wrapped length", () => {
    const r = parsed(() => parseCertificateRequest12(body("tls12-certificate-request-wrapped")));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // 65,535 bytes of names plus one more entry; the u16 says the total mod 65,536.
    expect(r.error).toMatchObject({ kind: "bad-length", wrapped: true });
    const e = r.error as { declared: number; present: number };
    expect(e.present - e.declared).toBe(65_536);
    expect(e.present).toBeGreaterThan(65_535);
    expect(describeParseError(r.error)).toContain("wrapped length");
  });

  it("a list length that is off by one is a plain length mismatch, not wrapped", () => {
    const b = new Uint8Array(body("tls13-certificate-request"));
    // certificate_request_context (1) + extensions length (2) ... bump the extensions length by one.
    b[2]! += 1;
    const r = parsed(() => parseCertificateRequest13(b));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ kind: "bad-length" });
      expect(describeParseError(r.error)).not.toContain("wrapped");
    }
  });

  it("a truncated CertificateRequest is a short read", () => {
    const b = body("tls12-certificate-request-65535");
    const r = parsed(() => parseCertificateRequest12(b.subarray(0, 1 + b[0]!)));
    expect(r).toMatchObject({ ok: false, error: { kind: "short-read" } });
  });

  it("a name that is not DER is a bad value naming its index", () => {
    const b = new Uint8Array(body("tls13-certificate-request"));
    // Corrupt the first DN's SEQUENCE tag (it follows its u16 length).
    const i = Buffer.from(b).indexOf(Buffer.from([0x00, 0x2f])) + 6;
    b[i + 2] = 0x04;
    const r = parsed(() => parseCertificateRequest13(b));
    expect(r).toMatchObject({
      ok: false,
      error: { kind: "bad-value", field: "certificate_authorities.authorities[0]" },
    });
  });
});

describe("the other captured messages", () => {
  it("ServerHello, EncryptedExtensions, Certificate", () => {
    const sh = parseServerHello(body("tls13-server-hello"));
    expect(sh.version).toBe(0x0304);
    expect(sh.keyShare?.group).toBe(0x001d);
    expect(sh.keyShare?.keyExchange).toHaveLength(32);
    expect(() => parseEncryptedExtensions(body("tls13-encrypted-extensions"))).not.toThrow();
    expect(parseCertificate(body("tls13-certificate"), "1.3")).toBe(1);
  });
});
