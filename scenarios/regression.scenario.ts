import { defineScenario } from "rootload";

/**
 * A config regression guard: an nginx-style mutual-TLS endpoint that verifies against the
 * Mozilla 2025 roots plus the enterprise CA but advertises only the enterprise CA
 * (truncate-bytes just large enough for it, which the issuer placed first makes the prefix).
 * `rootload compare results/baselines/regression <run>` passes while the config is unchanged and
 * fails when someone makes it advertise the full store.
 */
export default defineScenario({
  name: "regression",
  description: "Advertise only the enterprise CA; compare against the committed baseline",
  runtime: "process",
  servers: [{ driver: "openssl", policy: "truncate-bytes:200" }],
  roots: {
    source: { kind: "certdata", path: "mozilla:2025-06-19" },
    clientIssuer: "first",
  },
  clients: ["node"],
  bench: { time: 150, iterations: 8 },
  expect: [
    {
      name: "only the enterprise CA is advertised",
      outcome: "ok",
      advertises: "intended",
      clientIssuerAdvertised: true,
    },
  ],
});
