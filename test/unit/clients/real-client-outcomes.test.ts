import { describe, expect, it } from "vitest";
import { bcOutcome } from "../../../harness/clients/bouncycastle-client.ts";
import { curlOutcome } from "../../../harness/clients/curl-client.ts";
import { erlangOutcome } from "../../../harness/clients/erlang-client.ts";
import { goOutcome } from "../../../harness/clients/go-client.ts";
import { javaOutcome } from "../../../harness/clients/java-client.ts";
import { parseAnswer } from "../../../harness/clients/loop-client.ts";
import { clientLabel, clientSpec } from "../../../harness/model/client-spec.ts";
import { assignSide, probeSide } from "../../../harness/run/outcome-side.ts";

// Texts as the clients printed them against openssl s_server on this machine.
describe("java, go, curl failure texts", () => {
  it("JSSE's size check is excessive-size, on the client's side", () => {
    expect(
      javaOutcome(
        "javax.net.ssl.SSLProtocolException: The size of the handshake message (55022) exceeds the maximum allowed size (32768)",
      ),
    ).toMatchObject({ class: "excessive-size", side: "client" });
    expect(
      javaOutcome("javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_required"),
    ).toMatchObject({ class: "server-alert", alert: "certificate_required" });
    expect(javaOutcome("java.net.ConnectException: Connection refused")).toMatchObject({
      class: "server-error",
    });
    expect(
      javaOutcome(
        "javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake <- java.io.EOFException: SSL peer shut down incorrectly",
      ),
    ).toMatchObject({ class: "reset" });
  });
  it("crypto/tls: remote alerts by name, Go's own size cap", () => {
    expect(goOutcome("*net.OpError: remote error: tls: unknown certificate authority")).toMatchObject({
      class: "server-alert",
      alert: "unknown_ca",
    });
    expect(goOutcome("*net.OpError: remote error: tls: certificate required")).toMatchObject({
      alert: "certificate_required",
    });
    expect(
      goOutcome(
        "*errors.errorString: tls: handshake message of length 65569 bytes exceeds maximum of 65536 bytes",
      ),
    ).toMatchObject({ class: "excessive-size", side: "client" });
    expect(goOutcome("*errors.errorString: EOF")).toMatchObject({ class: "reset" });
  });
  it("erlang: OTP ssl's error terms as the client prints them (captured, ssl 10.8.7)", () => {
    expect(
      erlangOutcome(
        "tls_alert certificate_required: TLS client: In state connection received SERVER ALERT: Fatal - Certificate required",
      ),
    ).toMatchObject({ class: "server-alert", alert: "certificate_required" });
    expect(
      erlangOutcome("tls_alert_code 42: TLS client: received SERVER ALERT after the handshake"),
    ).toMatchObject({ class: "server-alert", alert: "bad_certificate" });
    // OTP 25's refusal of a message over max_handshake_size: its own alert, in a parser's words.
    expect(
      erlangOutcome(
        "tls_alert handshake_failure: TLS client: In state certify at tls_gen_connection.erl:860 generated CLIENT ALERT: Fatal - Handshake Failure  malformed_handshake_data",
      ),
    ).toMatchObject({ class: "malformed", side: "client" });
    expect(erlangOutcome("econnrefused")).toMatchObject({ class: "server-error" });
    expect(erlangOutcome("closed")).toMatchObject({ class: "reset" });
    expect(erlangOutcome("timeout")).toMatchObject({ class: "timeout" });
  });
  it("bouncycastle: BCJSSE's exceptions (captured, bctls 1.72)", () => {
    expect(
      bcOutcome(
        "org.bouncycastle.tls.TlsFatalAlert: internal_error(80); Handshake message length exceeds the maximum: certificate_request(13), 32769 > 32768",
      ),
    ).toMatchObject({ class: "excessive-size", side: "client" });
    expect(bcOutcome("org.bouncycastle.tls.TlsFatalAlertReceived: certificate_required(116)")).toMatchObject({
      class: "server-alert",
      alert: "certificate_required",
    });
    expect(bcOutcome("org.bouncycastle.tls.TlsFatalAlert: decode_error(50)")).toMatchObject({
      class: "malformed",
      side: "client",
    });
    expect(bcOutcome("java.net.ConnectException: Connection refused")).toMatchObject({
      class: "server-error",
    });
    expect(bcOutcome("java.net.SocketException: Broken pipe")).toMatchObject({ class: "reset" });
  });
  it("curl: exit status and -v output", () => {
    const done = "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384\n";
    expect(curlOutcome({ stdout: "", stderr: done, code: 0, timedOut: false })).toEqual({ class: "ok" });
    // stunnel echoes the request: an odd HTTP answer after a finished handshake is still "let in".
    expect(curlOutcome({ stdout: "", stderr: done, code: 1, timedOut: false })).toEqual({ class: "ok" });
    expect(
      curlOutcome({
        stdout: "",
        stderr: `${done}curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca, errno 0\n`,
        code: 56,
        timedOut: false,
      }),
    ).toMatchObject({ class: "server-alert", alert: "unknown_ca" });
  });
  it("the control protocol's answer line", () => {
    expect(parseAnswer("7\tfail\t12.5\tnull\t21\tjavax.net.ssl.SSLHandshakeException: x")).toEqual({
      ok: false,
      ms: 12.5,
      alias: null,
      issuers: 21,
      detail: "javax.net.ssl.SSLHandshakeException: x",
    });
    expect(parseAnswer("8\tok\t3\tclient\t-1\t")).toMatchObject({ ok: true, alias: "client", issuers: null });
  });
});

describe("client labels", () => {
  it("name plus options; the explicit label wins", () => {
    expect(clientLabel("java")).toBe("java");
    expect(clientLabel({ name: "java", properties: { "jdk.tls.maxHandshakeMessageSize": "65536" } })).toBe(
      "java+maxHandshakeMessageSize=65536",
    );
    expect(clientLabel({ name: "node", select: "by-issuer-list" })).toBe("node+by-issuer-list");
    expect(clientLabel({ name: "go", select: "by-issuer-list" })).toBe("go");
    expect(clientLabel({ name: "java", label: "tomcat", properties: { a: "1" } })).toBe("tomcat");
    expect(clientSpec("python")).toEqual({
      name: "python",
      label: "python",
      selection: "always",
      properties: {},
    });
    expect(clientSpec("java").selection).toBe("by-issuer-list");
  });
});

describe("outcome.side", () => {
  const ok = { class: "ok" } as const;
  it("after a well-formed flight a failure is the client's", () => {
    expect(assignSide({ class: "server-alert", alert: "unexpected_message" }, ok)).toMatchObject({
      side: "client",
    });
    expect(assignSide({ class: "excessive-size" }, ok)).toMatchObject({ side: "client" });
  });
  it("when the probe failed too, the server's; issuer-not-advertised is the server's list", () => {
    const probeFailed = { class: "server-alert", alert: "internal_error" } as const;
    expect(assignSide({ class: "server-alert", alert: "internal_error" }, probeFailed)).toMatchObject({
      side: "server",
    });
    expect(assignSide({ class: "issuer-not-advertised" }, ok)).toMatchObject({ side: "server" });
  });
  it("a reset or timeout cannot be told apart; ok has no side; a side already set is kept", () => {
    expect(assignSide({ class: "reset" }, ok)).toMatchObject({ side: "unknown" });
    expect(assignSide({ class: "timeout" }, { class: "timeout" })).toMatchObject({ side: "unknown" });
    expect(assignSide(ok, ok)).toEqual(ok);
    expect(
      assignSide({ class: "excessive-size", side: "client" }, { class: "malformed", detail: "x" }),
    ).toMatchObject({
      side: "client",
    });
    expect(probeSide({ class: "malformed", detail: "wrapped" })).toMatchObject({ side: "server" });
  });
  it("a flight the probe found against the RFC makes a client's refusal the server's failure", () => {
    const empty = ["certificate_authorities: empty list (RFC 8446 requires at least 3 bytes)"];
    expect(
      assignSide({ class: "malformed", detail: "Invalid certificate_authorities extension" }, ok, empty),
    ).toMatchObject({
      side: "server",
    });
  });
});
