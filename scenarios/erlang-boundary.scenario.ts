import { defineScenario } from "rootload";

/**
 * Erlang/OTP ssl's client limit found by bisection, as scenarios/java-boundary.scenario.ts does for
 * Java: openssl s_server advertises prefixes of the 2025-06 Microsoft CTL (topped up with synthetic
 * roots to exact byte sizes), and the runner narrows the boundary to one byte on TLS 1.2 and 1.3.
 * Two clients: OTP with its defaults (`max_handshake_size` 256 KiB in ssl 10.x, past anything a
 * CertificateRequest can hold: its boundary is the server's, 65,535 B on TLS 1.2, and the failure
 * is the server's internal_error), and OTP told `max_handshake_size: 32768`, as deployments that
 * lower it do: the client refuses a message whose body is over the option itself.
 */
export default defineScenario({
  name: "erlang-boundary",
  description:
    "Erlang/OTP ssl's CertificateRequest limit, default and max_handshake_size=32768, bisected to the byte",
  runtime: "process",
  servers: [{ driver: "openssl", policy: "all" }],
  roots: {
    source: { kind: "ctl", path: "microsoft:2025-06-16", purpose: "any", includeDisabled: true },
    clientIssuer: "last",
    topUpSynthetic: true,
    bisect: [
      { by: "bytes", from: 60_000, to: 72_000, client: "erlang" },
      { by: "bytes", from: 30_000, to: 36_000, client: "erlang+max_handshake_size=32768" },
    ],
  },
  clients: ["erlang", { name: "erlang", properties: { max_handshake_size: "32768" } }],
  bench: { time: 1, iterations: 1 },
});
