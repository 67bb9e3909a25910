import { defineScenario } from "../harness/scenario/define-scenario.ts";

/**
 * From finding to fix (`rootload check --fix`, docs/check.md): an nginx partner API whose client CA
 * file is the whole 2025 Microsoft root list with the enterprise CA that issued the partners'
 * certificates appended (rootload's test client issuer, placed last in the store).
 *
 * Broken twice, fixed once:
 * - Advertised whole (55 KB) the list is past Java's 32,768 B handshake-message cap: Java refuses
 *   the CertificateRequest (excessive-size).
 * - The naive cure, advertising the first 28,672 B of the same file (`ssl_client_certificate` a
 *   prefix, `ssl_trusted_certificate` the whole store; policy `truncate-bytes:28672/issuer:last`:
 *   the prefix of the list in which the issuer sits last, as appended), fits Java but cuts the
 *   enterprise CA: the clients that pick their certificate by the advertised list (Java's key
 *   manager, Go's crypto/tls, and openssl told to select the same way) find no issuer and send no
 *   certificate, as on a Schannel server past 16 KB (KB 2801679); plain openssl sends it anyway.
 * - The split `check --fix` writes advertises the enterprise CA first, then the Windows roots up to
 *   28,672 B (32,768 B less the fix's default 4,096 B margin), and trusts the whole store (policy
 *   `truncate-bytes:28672/issuer:first`): every client gets in with the enterprise certificate,
 *   issuer advertised at position 1.
 */
export default defineScenario({
  name: "fix",
  description:
    "check --fix on nginx with the 2025 Microsoft list: Java refuses the whole list, a naive cut loses the issuer, the split fixes both",
  runtime: "auto",
  servers: [
    { driver: "nginx", config: "./fix/nginx-original.conf.template" },
    {
      driver: "nginx",
      config: "./fix/nginx-fixed.conf.template",
      policy: ["truncate-bytes:28672/issuer:last", "truncate-bytes:28672/issuer:first"],
    },
  ],
  roots: {
    source: { kind: "ctl", path: "microsoft:2025-06-16", purpose: "any", includeDisabled: true },
    clientIssuer: "last",
  },
  clients: [
    "java",
    "go",
    "openssl",
    { name: "openssl", select: "by-issuer-list", label: "openssl-selecting" },
  ],
  bench: { time: 50, iterations: 2 },
  expect: [
    {
      name: "before: the whole list is past Java's 32,768 B cap",
      when: { policy: "as-configured", client: "java" },
      outcome: "excessive-size",
      side: "client",
    },
    {
      name: "before: Go and openssl take the 55 KB list, the issuer in it",
      when: { policy: "as-configured", client: ["go", "openssl", "openssl-selecting"] },
      outcome: "ok",
      clientIssuerAdvertised: true,
    },
    {
      name: "naive cut: the prefix fits Java, but the issuer appended last is cut and the selecting clients find no certificate",
      when: { policy: "truncate-bytes:28672/issuer:last", selection: "by-issuer-list" },
      outcome: "issuer-not-advertised",
      side: "server",
      clientIssuerAdvertised: false,
      advertises: "intended",
    },
    {
      name: "naive cut: Java and Go really sent no certificate (their own selection chose none)",
      when: { policy: "truncate-bytes:28672/issuer:last", client: ["java", "go"] },
      certificateSent: false,
    },
    {
      name: "naive cut: openssl sends its certificate anyway and the server, trusting the whole store, lets it in",
      when: { policy: "truncate-bytes:28672/issuer:last", client: "openssl" },
      outcome: "ok",
    },
    {
      name: "after: every client gets in with the enterprise certificate, advertised first by the split",
      when: { policy: "truncate-bytes:28672/issuer:first" },
      outcome: "ok",
      clientIssuerAdvertised: true,
      advertises: "intended",
    },
    {
      name: "after: Java and Go chose the certificate from the list",
      when: { policy: "truncate-bytes:28672/issuer:first", client: ["java", "go"] },
      certificateSent: true,
    },
  ],
});
