import { defineScenario } from "rootload";

/**
 * BouncyCastle JSSE's client limit found by bisection, as scenarios/java-boundary.scenario.ts does
 * for SunJSSE: openssl s_server advertises prefixes of the 2025-06 Microsoft CTL (topped up with
 * synthetic roots to exact byte sizes; the client's issuer last, so the list always holds it), and
 * the runner narrows the boundary to one name, then one byte, on TLS 1.2 and 1.3. BCJSSE reads
 * `jdk.tls.maxHandshakeMessageSize` too (32,768 B by default in bctls 1.72) and refuses a larger
 * handshake message body itself.
 */
export default defineScenario({
  name: "bouncycastle-boundary",
  description:
    "BouncyCastle JSSE 1.72's CertificateRequest limit, bisected to one name and to one byte, TLS 1.2 and 1.3",
  runtime: "process",
  servers: [{ driver: "openssl", policy: "all" }],
  roots: {
    source: { kind: "ctl", path: "microsoft:2025-06-16", purpose: "any", includeDisabled: true },
    clientIssuer: "last",
    topUpSynthetic: true,
    bisect: [
      { from: 100, to: 515, client: "bouncycastle" },
      { by: "bytes", from: 30_000, to: 36_000, client: "bouncycastle" },
    ],
  },
  clients: ["bouncycastle"],
  bench: { time: 1, iterations: 1 },
});
