import { defineScenario } from "rootload";

/**
 * The first thing to run: no engine and no data needed. Node's built-in roots, grown with
 * synthetic roots across the 65,535-byte CertificateRequest limit, served by `openssl s_server`
 * and a Node TLS server as local processes. Shows where OpenSSL-based servers stop
 * (internal_error), the TLS 1.3 limit just below it, and that advertising nothing still works.
 */
export default defineScenario({
  name: "quickstart",
  description:
    "Built-in roots grown across the 64 KB CA-list limit, openssl s_server and Node, TLS 1.2 and 1.3",
  runtime: "process",
  servers: [
    { driver: "openssl", policy: ["all", "none"] },
    { driver: "node", policy: ["all"] },
  ],
  roots: {
    source: { kind: "builtin" },
    // The built-in list as it is, then exact wire sizes around the limit.
    bytes: [16_384, 65_481, 65_535, 65_536, 80_000],
    clientIssuer: "last",
    topUpSynthetic: true,
  },
  clients: ["node"],
  bench: { time: 150, iterations: 8 },
  expect: [
    {
      name: "lists up to 65,481 bytes work",
      when: { policy: "all", maxBytes: 65_481 },
      outcome: "ok",
      advertises: "all",
    },
    {
      name: "past 65,535 bytes OpenSSL aborts",
      when: { policy: "all", minBytes: 65_536 },
      outcome: "server-alert",
      alert: "internal_error",
    },
    { name: "advertising nothing always works", when: { policy: "none" }, outcome: "ok", advertises: "none" },
  ],
});
