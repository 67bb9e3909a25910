import { defineScenario } from "rootload";

/**
 * The embedded and Rust clients' CertificateRequest limits, bisected to the byte: openssl s_server
 * (the OpenSSL family) advertises exact-size lists (the 2025-06 Microsoft CTL in order, padded with
 * synthetic roots; the enterprise CA last), and the runner grows the list between two sizes,
 * reloading the server at each midpoint, until the boundary is one byte wide
 * (2 + ⌈log2(to − from)⌉ reloads per client and TLS version). Each series is judged by one client.
 * What each boundary must follow (harness/check/limits.ts has the figures and the versions):
 * - mbed TLS 2.28 (Debian libmbedtls14): a handshake message must lie whole in one 16,384-byte
 *   record (no reassembly before 3.6.3): "TLS handshake fragmentation not supported". TLS 1.2 only.
 * - wolfSSL 5.5 (Debian libwolfssl35): a message over its compiled MAX_HANDSHAKE_SZ is refused,
 *   -404 "Handshake message too large".
 * - rustls 0.20 (Debian librust-rustls-dev): a handshake message body over MAX_HANDSHAKE_SIZE
 *   (0xffff) is refused — inside the range OpenSSL still sends on TLS 1.2 and, by 3 bytes, on 1.3.
 */
export default defineScenario({
  name: "native-boundary",
  description:
    "mbed TLS, wolfSSL and rustls CertificateRequest limits, bisected to one byte, TLS 1.2 and 1.3",
  // Local processes: s_server restarts in milliseconds; the clients are built on this host
  // (containers/setup-host.sh installs gcc, libmbedtls-dev, libwolfssl-dev, cargo, librust-rustls-dev).
  runtime: "process",
  servers: [{ driver: "openssl", policy: "all" }],
  roots: {
    source: { kind: "ctl", path: "microsoft:2025-06-16", purpose: "any", includeDisabled: true },
    clientIssuer: "last",
    topUpSynthetic: true,
    bisect: [
      { by: "bytes", from: 10_000, to: 30_000, client: "mbedtls" },
      { by: "bytes", from: 10_000, to: 30_000, client: "wolfssl" },
      // Configured bytes: the whole CTL goes out 1,263 B smaller (OpenSSL sends a shared name once),
      // so 66,760 B is a 65,497-byte list on the wire, past rustls's cap on both versions (and past
      // OpenSSL's own TLS 1.3 limit, 65,491 B, which rustls reaches first).
      { by: "bytes", from: 60_000, to: 66_760, client: "rustls" },
    ],
  },
  clients: ["mbedtls", "wolfssl", "rustls"],
  // One timed handshake per case: the figure here is where the client breaks, not its speed.
  bench: { time: 1, iterations: 1 },
  expect: [
    {
      name: "mbed TLS 2.28 takes a CertificateRequest that fits one record (message ≤ 16,384 B, body ≤ 16,380 B)",
      when: { client: "mbedtls", maxMessageBytes: 16_384 },
      outcome: "ok",
    },
    {
      name: "…and refuses one byte more itself (TLS handshake fragmentation not supported)",
      when: { client: "mbedtls", minMessageBytes: 16_385 },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "wolfSSL 5.5 takes a body up to MAX_HANDSHAKE_SZ, 18,462 B (message ≤ 18,466 B), TLS 1.2 and 1.3",
      when: { client: "wolfssl", maxMessageBytes: 18_466 },
      outcome: "ok",
    },
    {
      name: "…and refuses one byte more itself (-404 Handshake message too large)",
      when: { client: "wolfssl", minMessageBytes: 18_467 },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "rustls 0.20 takes a body up to MAX_HANDSHAKE_SIZE, 65,535 B (message ≤ 65,539 B), TLS 1.2 and 1.3",
      when: { client: "rustls", maxMessageBytes: 65_539 },
      outcome: "ok",
    },
    {
      name: "…and refuses one byte more itself (received corrupt message of type Handshake)",
      when: { client: "rustls", minMessageBytes: 65_540 },
      outcome: "malformed",
      side: "client",
    },
  ],
});
