import { describe, expect, it } from "vitest";
import { mbedtlsOutcome } from "../../../harness/clients/mbedtls-client.ts";
import { rustlsOutcome } from "../../../harness/clients/rustls-client.ts";
import { wolfsslOutcome } from "../../../harness/clients/wolfssl-client.ts";

// Texts as the clients printed them against openssl s_server on this machine (Debian 12:
// libmbedtls14 2.28.3, libwolfssl35 5.5.4, rustls 0.20.8).
describe("mbedtls, wolfssl, rustls failure texts", () => {
  it("mbed TLS: a message over one record is its own refusal; alerts by number", () => {
    expect(
      mbedtlsOutcome(
        "mbedtls -0x7080: SSL - The requested feature is not available; TLS handshake fragmentation not supported ",
      ),
    ).toMatchObject({ class: "excessive-size", side: "client" });
    expect(
      mbedtlsOutcome(
        "mbedtls -0x7780: SSL - A fatal alert message was received from our peer (alert 40); is a fatal alert message (msg 40) ",
      ),
    ).toMatchObject({ class: "server-alert", alert: "handshake_failure" });
    expect(
      mbedtlsOutcome(
        "rootload: mbed TLS 2.28.3 is built without TLS 1.3 (MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL off)",
      ),
    ).toMatchObject({ class: "client-unavailable", side: "client" });
  });
  it("wolfSSL: -404 is MAX_HANDSHAKE_SZ on the client's side; the alert received is named", () => {
    expect(wolfsslOutcome("wolfssl -404: Handshake message too large Error")).toMatchObject({
      class: "excessive-size",
      side: "client",
    });
    expect(wolfsslOutcome("wolfssl -313: received alert fatal error (alert 40 received)")).toMatchObject({
      class: "server-alert",
      alert: "handshake_failure",
    });
    expect(wolfsslOutcome("wolfssl -313: received alert fatal error (alert 80 received)")).toMatchObject({
      class: "server-alert",
      alert: "internal_error",
    });
    expect(wolfsslOutcome("wolfssl -328: malformed buffer input error")).toMatchObject({
      class: "malformed",
    });
  });
  it("rustls: alerts by variant name; an oversize message is a corrupt one, on the client's side", () => {
    expect(rustlsOutcome("rustls: received fatal alert: HandshakeFailure")).toMatchObject({
      class: "server-alert",
      alert: "handshake_failure",
    });
    expect(rustlsOutcome("rustls: received fatal alert: CertificateRequired")).toMatchObject({
      class: "server-alert",
      alert: "certificate_required",
    });
    expect(rustlsOutcome("rustls: received corrupt message of type Handshake")).toMatchObject({
      class: "malformed",
      side: "client",
    });
  });
});
