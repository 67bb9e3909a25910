import { defineScenario } from "rootload";

/**
 * Where the Erlang/OTP ssl server and the BouncyCastle JSSE server stop sending their CA list,
 * bisected to the byte on TLS 1.2 and 1.3: each server advertises prefixes of the 2025-06 Microsoft
 * CTL topped up with synthetic roots to exact byte sizes, reloaded at each midpoint, and `openssl
 * s_client` (which reads up to 100 KiB) judges, so every failure is the server's.
 */
export default defineScenario({
  name: "erlang-bc-servers",
  description: "Erlang/OTP ssl and BouncyCastle JSSE servers: their CA-list limits, bisected to the byte",
  runtime: "process",
  servers: [
    { driver: "erlang", policy: "all" },
    { driver: "bouncycastle", policy: "all" },
  ],
  roots: {
    source: { kind: "ctl", path: "microsoft:2025-06-16", purpose: "any", includeDisabled: true },
    clientIssuer: "last",
    topUpSynthetic: true,
    bisect: [{ by: "bytes", from: 60_000, to: 70_000, client: "openssl" }],
  },
  clients: ["openssl"],
  bench: { time: 1, iterations: 1 },
});
