import { defineScenario } from "rootload";

const ctl = (date: string) => `microsoft:${date}`;

/** Five of the shipped Microsoft CTL snapshots, 2012 → 2025 (ThisUpdate dates; rootload roots list). */
const SNAPSHOTS = ["2012-11-02", "2015-02-23", "2018-01-22", "2022-11-15", "2025-06-16"];

/**
 * Exact CA-list sizes (configured bytes) around each client limit, measured with openssl
 * s_server 3.0 on the 2025-06 CTL (whole list first, enterprise CA last). OpenSSL sends each
 * shared name once, so the list on the wire is smaller than the configured one: 303 B less at
 * the Java edge (a 300-name prefix), 1,263 B less once the whole CTL is in. With forge among the
 * clients the server also offers the SHA-1 signature algorithms (legacyCompat), so the
 * CertificateRequest is the list + 58 B on TLS 1.2 and + 55 B on TLS 1.3 (4 of them the
 * handshake header); a client's limit is on the body (message − 4 B).
 */
const JAVA_EDGE = [33_017, 33_018, 33_020, 33_021]; // body 32,768 | 32,769 on TLS 1.2, then on 1.3
const GO_EDGE = [66_745, 66_746, 66_748, 66_749]; // body 65,536 | 65,537 on TLS 1.2, then on 1.3
const SERVER_EDGE = [66_798, 66_799]; // wire list 65,535 B, then 65,536 B: OpenSSL refuses
// rustls: body 65,535 | 65,536 on TLS 1.2 (66,744 | Go's 66,745), then on 1.3 (66,747 | 66,748).
const RUSTLS_EDGE = [66_744, 66_747];
// mbed TLS (one 16,384-byte record) and wolfSSL (MAX_HANDSHAKE_SZ, body 18,462 B): a size either
// side of each, about 30 B off; scenarios/native-boundary.scenario.ts bisects them to the byte.
const NATIVE_SIDES = [16_400, 16_490, 18_500, 18_570];

/**
 * Which client breaks first as a Windows root list grows: the 13 Microsoft CTLs 2012 → 2025,
 * whole (disabled entries included, as the root package installs them), then exact sizes at
 * each client's limit and the server's, on openssl s_server (the OpenSSL family), TLS 1.2 and
 * 1.3, every client. Java 17 refuses a CertificateRequest whose body exceeds
 * jdk.tls.maxHandshakeMessageSize (32,768 B) — every list since 2012 is past it — and works up to the
 * server's limit once the property is raised to 131,072; Go caps the body at 65,536 B, inside
 * the range OpenSSL still sends. The embedded and Rust stacks break earlier still or at the same
 * place: mbed TLS 2.28 at one 16,384-byte record (TLS 1.2 only: Debian's build has no TLS 1.3),
 * wolfSSL 5.5 at a body of 18,462 B (MAX_HANDSHAKE_SZ), rustls 0.20 at a body of 65,535 B.
 * BouncyCastle JSSE (bctls 1.72) has Java's cap, read from the same
 * property; Erlang/OTP's ssl (OTP 25, max_handshake_size 256 KiB) takes whatever the server sends.
 */
export default defineScenario({
  name: "clients",
  description: "Which client breaks first: Microsoft CTLs 2012→2025 then exact sizes, every client",
  // Local processes: openssl s_server and the clients on this host (java and go from the host's
  // JRE and Go, as containers/setup-host.sh installs them); the image's java and go clients are
  // exercised by test/integration/clients/real-clients.test.ts.
  runtime: "process",
  servers: [{ driver: "openssl", policy: "all" }],
  roots: {
    source: { kind: "snapshots", purpose: "any", includeDisabled: true, paths: SNAPSHOTS.map(ctl) },
    bytes: [...NATIVE_SIDES, ...JAVA_EDGE, ...RUSTLS_EDGE, ...GO_EDGE, ...SERVER_EDGE],
    topUpSynthetic: true,
    clientIssuer: "last",
  },
  clients: [
    "node",
    "openssl",
    "gnutls",
    "python",
    "curl",
    "forge",
    "go",
    "java",
    { name: "java", properties: { "jdk.tls.maxHandshakeMessageSize": "65536" } },
    { name: "java", properties: { "jdk.tls.maxHandshakeMessageSize": "131072" } },
    "mbedtls",
    "wolfssl",
    "rustls",
    "erlang",
    "bouncycastle",
  ],
  // One timed handshake per case: the figure here is where each client breaks, not its speed.
  bench: { time: 1, iterations: 1 },
  expect: [
    {
      name: "Java 17 takes a CertificateRequest body up to 32,768 B (message incl. header ≤ 32,772 B)",
      when: { client: "java", maxMessageBytes: 32_772 },
      outcome: "ok",
      certificateSent: true,
    },
    {
      name: "Java 17 refuses a body over 32,768 B itself (jdk.tls.maxHandshakeMessageSize default)",
      when: { client: "java", minMessageBytes: 32_773 },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "maxHandshakeMessageSize=65536 moves the edge to a 65,536 B body",
      when: { client: "java+maxHandshakeMessageSize=65536", maxMessageBytes: 65_540 },
      outcome: "ok",
    },
    {
      name: "…which OpenSSL still exceeds on TLS 1.2 (list 65,489..65,535 B)",
      when: { client: "java+maxHandshakeMessageSize=65536", minMessageBytes: 65_541 },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "maxHandshakeMessageSize=131072 works up to the server's limit",
      when: { client: "java+maxHandshakeMessageSize=131072", minMessageBytes: 0 },
      outcome: "ok",
    },
    {
      name: "Go crypto/tls takes a body up to 65,536 B",
      when: { client: "go", maxMessageBytes: 65_540 },
      outcome: "ok",
      certificateSent: true,
    },
    {
      name: "Go refuses a body over 65,536 B (tls: handshake message … exceeds maximum of 65536 bytes)",
      when: { client: "go", minMessageBytes: 65_541 },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "mbed TLS 2.28 takes a CertificateRequest that fits one 16,384-byte record (TLS 1.2; Debian's build has no 1.3)",
      when: { client: "mbedtls", maxMessageBytes: 16_384 },
      outcome: "ok",
    },
    {
      name: "…and refuses one spread over two itself (TLS handshake fragmentation not supported)",
      when: { client: "mbedtls", minMessageBytes: 16_385 },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "wolfSSL 5.5 takes a body up to MAX_HANDSHAKE_SZ (18,462 B as Debian builds it)",
      when: { client: "wolfssl", maxMessageBytes: 18_466 },
      outcome: "ok",
      certificateSent: true,
    },
    {
      name: "…and refuses a larger one itself (-404 Handshake message too large)",
      when: { client: "wolfssl", minMessageBytes: 18_467 },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "rustls 0.20 takes a body up to 65,535 B (MAX_HANDSHAKE_SIZE)",
      when: { client: "rustls", maxMessageBytes: 65_539 },
      outcome: "ok",
      certificateSent: true,
    },
    {
      name: "…and refuses one byte more itself (received corrupt message of type Handshake)",
      when: { client: "rustls", minMessageBytes: 65_540 },
      outcome: "malformed",
      side: "client",
    },
    {
      name: "OpenSSL-based clients take anything the server sends (max_cert_list 100 KiB)",
      when: { client: ["node", "openssl", "python", "curl"], minMessageBytes: 0 },
      outcome: "ok",
    },
    {
      name: "BouncyCastle JSSE 1.72 takes a body up to 32,768 B, as SunJSSE does",
      when: { client: "bouncycastle", maxMessageBytes: 32_772 },
      outcome: "ok",
      certificateSent: true,
    },
    {
      name: "…and refuses a body over 32,768 B itself (Handshake message length exceeds the maximum)",
      when: { client: "bouncycastle", minMessageBytes: 32_773 },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "Erlang/OTP ssl takes anything the server sends (max_handshake_size 262,144 B)",
      when: { client: "erlang", minMessageBytes: 0 },
      outcome: "ok",
      certificateSent: true,
    },
    {
      name: "OpenSSL refuses to send a list over 65,535 B on TLS 1.2",
      when: { tls: "1.2", step: "66799 B" },
      outcome: "server-alert",
      alert: "internal_error",
      side: "server",
    },
    {
      name: "…and over 65,491 B on TLS 1.3",
      when: { tls: "1.3", step: ["66798 B", "66799 B"] },
      outcome: "server-alert",
      alert: "internal_error",
      side: "server",
    },
  ],
});
