import { describe, expect, it } from "vitest";
import { buildClientHello } from "../../../harness/probe/client-hello.ts";
import { ServerFlight } from "../../../harness/probe/server-flight.ts";
import { capturedHello13, frame, reframeHandshake, splitRecords } from "../../support/flight-tools.ts";
import { hexFixture } from "../../support/hex-fixture.ts";

const hello12 = () => buildClientHello({ tls: "1.2" });

function run(bytes: Uint8Array, chunk = bytes.length, cap?: number, hello = hello12()) {
  const f = new ServerFlight(hello, cap);
  for (let p = 0; p < bytes.length; p += chunk) {
    const s = f.push(bytes.subarray(p, p + chunk));
    if (s.done) return s.result;
  }
  return f.end({ class: "reset", detail: "end of capture" });
}

describe("ServerFlight on captured TLS 1.2 flights", () => {
  const ok = hexFixture("tls12-flight-ok");

  it("reads ServerHello … ServerHelloDone and the CertificateRequest", () => {
    const r = run(ok);
    expect(r.outcome).toEqual({ class: "ok" });
    expect(r.version).toBe("1.2");
    expect(r.cipher).toMatch(/^TLS_ECDHE_RSA_/);
    expect(r.messages).toEqual([
      "serverHello(2)",
      "certificate(11)",
      "serverKeyExchange(12)",
      "certificateRequest(13)",
      "serverHelloDone(14)",
    ]);
    expect(r.certificateRequest!.authorities).toHaveLength(3);
  });

  it("gives the same answer whatever the TCP chunking and record framing", () => {
    const names = run(ok).certificateRequest!.authorities.map((a) => a.name);
    for (const chunk of [1, 2, 5, 333])
      expect(run(ok, chunk).certificateRequest!.authorities.map((a) => a.name)).toEqual(names);
    // One message over many records, and several messages per record.
    for (const size of [1, 7, 100, 16_384]) {
      const r = run(reframeHandshake(ok, size));
      expect(r.outcome).toEqual({ class: "ok" });
      expect(r.certificateRequest!.authorities.map((a) => a.name)).toEqual(names);
    }
  });

  it("names the missing CertificateRequest", () => {
    expect(run(hexFixture("tls12-flight-no-certificate-request")).outcome).toMatchObject({
      class: "no-certificate-request",
    });
  });

  it("names the server's alert", () => {
    expect(run(hexFixture("tls12-flight-alert-internal-error")).outcome).toMatchObject({
      class: "server-alert",
      alert: "internal_error",
    });
  });

  it("wrapped length (GnuTLS / Go style) → malformed, detail 'wrapped length'", () => {
    const records = splitRecords(ok);
    const serverHello = frame(22, records[0]!.fragment);
    const flight = new Uint8Array(
      Buffer.concat([serverHello, frame(22, hexFixture("tls12-certificate-request-wrapped"))]),
    );
    const r = run(flight);
    expect(r.outcome.class).toBe("malformed");
    expect((r.outcome as { detail: string }).detail).toMatch(
      /^wrapped length: CertificateRequest\.certificate_authorities/,
    );
    expect(r.parseError).toMatchObject({ kind: "bad-length", wrapped: true });
  });

  it("gnutls-serv's own wrapped list (captured) → malformed, 'wrapped length'", () => {
    const r = run(hexFixture("gnutls-tls12-flight-wrapped"));
    expect(r.outcome.class).toBe("malformed");
    expect((r.outcome as { detail: string }).detail).toMatch(
      /^wrapped length: .* declares 127 bytes but 65663 follow/,
    );
    expect(r.messages).toEqual([
      "serverHello(2)",
      "certificate(11)",
      "serverKeyExchange(12)",
      "certificateRequest(13)",
    ]);
  });

  it("message over the cap → excessive-size, before buffering it", () => {
    const r = run(ok, ok.length, 500);
    expect(r.outcome.class).toBe("excessive-size");
    expect(r.parseError).toMatchObject({ kind: "excessive-size", cap: 500 });
  });

  it("each error kind is typed", () => {
    const records = splitRecords(ok);
    // unexpected-message: the flight without its ServerHello.
    expect(run(ok.subarray(5 + records[0]!.fragment.length)).parseError).toMatchObject({
      kind: "unexpected-message",
    });
    // bad-alert: a 3-byte alert record.
    expect(run(Uint8Array.of(21, 3, 3, 0, 3, 2, 40, 0)).parseError).toEqual({ kind: "bad-alert", length: 3 });
    // trailing-bytes: ServerHelloDone with one byte of body.
    const noShd = Buffer.concat(records.slice(0, -1).map((x) => frame(x.type, x.fragment)));
    const shd = frame(22, Uint8Array.of(14, 0, 0, 1, 0));
    const noCr = hexFixture("tls12-flight-no-certificate-request");
    const noCrRecords = splitRecords(noCr);
    const withBadShd = Buffer.concat([
      ...noCrRecords.slice(0, -1).map((x) => frame(x.type, x.fragment)),
      shd,
    ]);
    expect(run(new Uint8Array(withBadShd)).parseError).toMatchObject({
      kind: "trailing-bytes",
      field: "ServerHelloDone",
    });
    // A CertificateRequest read before trouble still counts: ok.
    expect(run(new Uint8Array(Buffer.concat([noShd, shd]))).outcome).toEqual({ class: "ok" });
    // Not TLS at all.
    expect(run(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n")).parseError).toMatchObject({
      kind: "bad-value",
    });
    // Cut short: the peer's close decides.
    expect(run(ok.subarray(0, 200)).outcome).toMatchObject({ class: "reset" });
  });
});

describe("ServerFlight on the captured TLS 1.3 exchange (own key schedule)", () => {
  const server = hexFixture("tls13-flight-server");

  it("decrypts EncryptedExtensions, CertificateRequest, Certificate", () => {
    const r = run(server, server.length, undefined, capturedHello13());
    expect(r.outcome).toEqual({ class: "ok" });
    expect(r.version).toBe("1.3");
    expect(r.messages).toEqual([
      "serverHello(2)",
      "encryptedExtensions(8)",
      "certificateRequest(13)",
      "certificate(11)",
    ]);
    expect(r.certificateRequest!.authorities).toHaveLength(3);
    // Byte by byte too.
    expect(run(server, 1, undefined, capturedHello13()).certificateRequest!.authorities).toHaveLength(3);
  });

  it("an altered encrypted record → decrypt-failed", () => {
    const b = new Uint8Array(server);
    const records = splitRecords(b);
    // ServerHello, CCS, then the first encrypted record: flip a bit inside it.
    const at = 5 + records[0]!.fragment.length + 6 + 5 + 3;
    b[at]! ^= 1;
    const r = run(b, b.length, undefined, capturedHello13());
    expect(r.outcome.class).toBe("malformed");
    expect(r.parseError).toMatchObject({ kind: "decrypt-failed" });
  });

  it("the wrong key (a fresh ClientHello) cannot read it", () => {
    const r = run(server, server.length, undefined, buildClientHello({ tls: "1.3" }));
    expect(r.outcome.class).toBe("malformed");
  });
});
