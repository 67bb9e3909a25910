import { describe, expect, it } from "vitest";
import { splitDistinguishedNames } from "../../../harness/clients/forge-client.ts";
import { gnutlsOutcome } from "../../../harness/clients/gnutls-client.ts";
import { classifyOpensslError } from "../../../harness/clients/openssl-errors.ts";
import { parseAcceptableCaNames } from "../../../harness/clients/s-client.ts";

// Lines as printed by OpenSSL 3.0.19 / Node 20 / gnutls-cli 3.7.9 in the integration runs.
describe("OpenSSL error text → outcome", () => {
  it.each([
    [
      "error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../ssl/record/rec_layer_s3.c:1601:SSL alert number 48",
      undefined,
      { class: "server-alert", alert: "unknown_ca" },
    ],
    [
      "Client network socket disconnected",
      "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
      { class: "server-alert", alert: "certificate_required" },
    ],
    ["x", "ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR", { class: "server-alert", alert: "internal_error" }],
    ["sslv3 alert handshake failure", undefined, { class: "server-alert", alert: "handshake_failure" }],
    [
      "error:0A000098:SSL routines::excessive message size",
      "ERR_SSL_EXCESSIVE_MESSAGE_SIZE",
      { class: "excessive-size" },
    ],
    ["error:0A000083:SSL routines::length mismatch", "ERR_SSL_LENGTH_MISMATCH", { class: "malformed" }],
    ["read ECONNRESET", "ECONNRESET", { class: "reset" }],
    ["connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED", { class: "server-error" }],
    ["write:errno=104", undefined, { class: "reset" }],
  ])("%s (%s)", (text, code, expected) => {
    expect(classifyOpensslError(text, code)).toMatchObject(expected);
  });
});

describe("s_client's CA name list", () => {
  it("reads the names between the header and the signature algorithms, in order", () => {
    const out = [
      "---",
      "Acceptable client certificate CA names",
      "C=US,O=rootload test enterprise,CN=rootload Enterprise Client Issuing CA",
      "CN=Hellenic Academic and Research Institutions RootCA 2015,O=Hellenic Academic and Research Institutions Cert. Authority,L=Athens,C=GR",
      "Client Certificate Types: RSA sign, DSA sign, ECDSA sign",
      "Requested Signature Algorithms: ECDSA+SHA256",
      "---",
    ].join("\n");
    expect(parseAcceptableCaNames(out)).toHaveLength(2);
    expect(parseAcceptableCaNames("---\nNo client certificate CA names sent\n---")).toEqual([]);
    expect(parseAcceptableCaNames("CONNECTED(00000003)\n")).toBeUndefined();
  });
});

describe("gnutls-cli output → outcome", () => {
  it.each([
    [
      "*** Received alert [48]: CA is unknown\n*** Fatal error: A TLS fatal alert has been received.",
      { class: "server-alert", alert: "unknown_ca" },
    ],
    ["*** Fatal error: Error decoding the received TLS packet.", { class: "malformed" }],
    ["- Handshake was completed\n\n- Simple Client Mode:\n", { class: "ok" }],
    [
      "Connecting to '127.0.0.1:1'...\nCould not connect to 127.0.0.1:1: Connection refused",
      { class: "server-error" },
    ],
    ["*** Fatal error: The TLS connection was non-properly terminated.", { class: "reset" }],
  ])("%s", (stdout, expected) => {
    expect(gnutlsOutcome({ stdout, stderr: "", timedOut: false })).toMatchObject(expected);
  });
  it("a hang is a timeout", () => {
    expect(gnutlsOutcome({ stdout: "Connecting to ...", stderr: "", timedOut: true }).class).toBe("timeout");
  });
});

describe("forge's certificate_authorities buffer", () => {
  it("splits u16-prefixed names and stops at a truncated one", () => {
    const list = Uint8Array.of(0, 2, 0x30, 0x00, 0, 3, 0x30, 0x01, 0x00, 0, 9, 0x30);
    expect(splitDistinguishedNames(list).map((d) => [...d])).toEqual([
      [0x30, 0x00],
      [0x30, 0x01, 0x00],
    ]);
  });
});
