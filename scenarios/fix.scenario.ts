import { defineScenario } from "../harness/scenario/define-scenario.ts";

/**
 * From finding to fix (`rootload check --fix`, docs/check.md): an nginx partner API whose client CA
 * file is the whole 2025 Microsoft root list plus the enterprise CA that issued the partners'
 * certificates. Advertised whole (55 KB) it is past Java's 32,768 B handshake-message cap: Java
 * refuses the CertificateRequest (excessive-size). The fix splits what nginx advertises from what it
 * trusts: `ssl_client_certificate` holds the enterprise CA first and then the Windows roots up to
 * 28,672 B (32,768 B less the fix's default 4,096 B margin), `ssl_trusted_certificate` the whole
 * store, so every CA trusted before still is. Java, Go and openssl then get in with the enterprise
 * certificate, and the issuer is advertised at position 1. The enterprise CA is rootload's test
 * client issuer, placed first in the store.
 *
 * The other half of the story — an original that advertises the Windows list without the
 * enterprise CA, so Go and Java find no certificate to send — cannot be written with the template
 * placeholders (no placeholder holds "the list without the issuer"); `check --fix --verify` shows it
 * on a real config (test/integration/check/fix.test.ts).
 */
export default defineScenario({
  name: "fix",
  description:
    "check --fix on nginx with the 2025 Microsoft list: Java refuses the whole list, the split fixes it",
  runtime: "auto",
  servers: [
    { driver: "nginx", config: "./fix/nginx-original.conf.template" },
    { driver: "nginx", config: "./fix/nginx-fixed.conf.template", policy: "truncate-bytes:28672" },
  ],
  roots: {
    source: { kind: "ctl", path: "microsoft:2025-06-16", purpose: "any", includeDisabled: true },
    clientIssuer: "first",
  },
  clients: ["java", "go", "openssl"],
  bench: { time: 50, iterations: 2 },
  expect: [
    {
      name: "before: the whole list is past Java's 32,768 B cap",
      when: { policy: "as-configured", client: "java" },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "before: Go and openssl take the 55 KB list",
      when: { policy: "as-configured", client: ["go", "openssl"] },
      outcome: "ok",
    },
    {
      name: "after: every client gets in with the enterprise certificate, advertised by the split",
      when: { policy: "truncate-bytes:28672" },
      outcome: "ok",
      clientIssuerAdvertised: true,
      advertises: "intended",
    },
    {
      name: "after: Java and Go chose the certificate from the list",
      when: { policy: "truncate-bytes:28672", client: ["java", "go"] },
      certificateSent: true,
    },
  ],
});
