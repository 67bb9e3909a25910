import { defineScenario } from "rootload";

/**
 * Java's client limit found by bisection instead of by sizes picked in advance: openssl s_server
 * (the OpenSSL family) advertises prefixes of the 2025-06 Microsoft CTL (whole, disabled entries
 * included, as the root package installs them; the enterprise CA last), and the runner grows the
 * list between two sizes, reloading the server at each midpoint, until the boundary is one name
 * wide (2 + ⌈log2(515 − 100)⌉ = 11 reloads per TLS version), then one byte wide with exact-size
 * lists (2 + ⌈log2(6,000)⌉ = 15). JSSE's rule, which the boundary must follow on TLS 1.2 and 1.3:
 * a handshake message whose body (the 24-bit length in its 4-byte header) exceeds
 * jdk.tls.maxHandshakeMessageSize (32,768 B by default) is refused by the client —
 * "The size of the handshake message (N) exceeds the maximum allowed size (32768)".
 */
export default defineScenario({
  name: "java-boundary",
  description: "Java 17's CertificateRequest limit, bisected to one name and to one byte, TLS 1.2 and 1.3",
  // Local processes: s_server restarts in milliseconds, and the host's JRE runs the java client
  // (containers/setup-host.sh installs it).
  runtime: "process",
  servers: [{ driver: "openssl", policy: "all" }],
  roots: {
    source: {
      kind: "ctl",
      path: "microsoft:2025-06-16",
      purpose: "any",
      includeDisabled: true,
    },
    clientIssuer: "last",
    // Exact byte sizes are padded with synthetic roots once the real prefix stops fitting.
    topUpSynthetic: true,
    bisect: [
      // 100 names work everywhere; the whole list (514 roots + the enterprise CA) is past Java's limit.
      { from: 100, to: 515, client: "java" },
      { by: "bytes", from: 30_000, to: 36_000, client: "java" },
    ],
  },
  clients: ["java"],
  // One timed handshake per case: the figure here is where the client breaks, not its speed.
  bench: { time: 1, iterations: 1 },
  expect: [
    {
      name: "Java 17 takes a CertificateRequest body up to 32,768 B (message incl. its 4-byte header ≤ 32,772 B)",
      when: { client: "java", maxMessageBytes: 32_772 },
      outcome: "ok",
      certificateSent: true,
    },
    {
      name: "…and refuses one body byte more itself (jdk.tls.maxHandshakeMessageSize default)",
      when: { client: "java", minMessageBytes: 32_773 },
      outcome: "excessive-size",
      side: "client",
    },
  ],
});
