import { defineScenario } from "rootload";

/**
 * KB 2801679 / KB 933430 reproduced: a Windows server with the full 2025 automatic-root-update
 * list in LocalMachine\Root truncates its CertificateRequest (Schannel: 16 KB; Server 2003:
 * 0x3000 bytes). The enterprise CA that issued the users' certificates was added last, so it is
 * cut off; a client that picks its certificate from the advertised list finds none and the
 * handshake fails: node-forge (a model of the Windows XP/2003 client) and the real
 * certificate-selecting stacks, Java's default key manager and Go's crypto/tls. Clients that send
 * the configured certificate whatever the list says (openssl, curl, python) still get in.
 * SendTrustedIssuerList=0 (policy "none") fixes it. Emulated with openssl s_server advertising
 * the fitting prefix.
 */
export default defineScenario({
  name: "kb2801679",
  description: "Schannel-style truncation of a 2025 Windows root list cuts off the enterprise client CA",
  runtime: "auto",
  servers: [{ driver: "openssl", policy: ["schannel-2003", "schannel", "none", "all"] }],
  roots: {
    source: {
      kind: "ctl",
      path: "microsoft:2025-06-16",
      purpose: "any",
      includeDisabled: true,
    },
    clientIssuer: "last",
  },
  clients: ["forge", "java", "go", "openssl", "curl", "python"],
  bench: { time: 150, iterations: 5 },
  expect: [
    {
      name: "Schannel truncation hides the enterprise CA and the selecting client finds no certificate",
      when: { policy: "schannel-2003", selection: "by-issuer-list" },
      outcome: "issuer-not-advertised",
      side: "server",
      clientIssuerAdvertised: false,
      advertises: "intended",
    },
    {
      name: "16 KB truncation (Server 2008+) hides it too",
      when: { policy: "schannel", selection: "by-issuer-list" },
      outcome: "issuer-not-advertised",
      clientIssuerAdvertised: false,
    },
    {
      name: "Java and Go really sent no certificate (their own selection chose none)",
      when: { policy: ["schannel-2003", "schannel"], client: ["java", "go"] },
      certificateSent: false,
    },
    {
      name: "clients that send their certificate anyway get in: the server trusts the whole store",
      when: { policy: "schannel", selection: "always" },
      outcome: "ok",
    },
    {
      name: "SendTrustedIssuerList=0 fixes it",
      when: { policy: "none", tls: "1.2" },
      outcome: "ok",
      advertises: "none",
    },
    {
      name: "on TLS 1.3 too, for clients that accept OpenSSL's empty certificate_authorities extension",
      when: { policy: "none", tls: "1.3", client: ["openssl", "curl", "python"] },
      outcome: "ok",
    },
    {
      // s_server -no_ca_names (OpenSSL's Options -CANames) still sends the TLS 1.3 extension with
      // an empty list, below RFC 8446's minimum: JSSE ("Invalid certificate_authorities extension:
      // insufficient data") and Go ("local error: tls: unexpected message") refuse it, as gnutls-cli does.
      name: "Java and Go refuse the empty TLS 1.3 certificate_authorities extension: the server's fault",
      when: { policy: "none", tls: "1.3", client: ["java", "go"] },
      outcome: "malformed",
      side: "server",
    },
    {
      name: "the whole list fits the server's TLS limit, and Go takes it",
      when: { policy: "all", client: ["go", "openssl", "curl", "python"] },
      outcome: "ok",
      clientIssuerAdvertised: true,
    },
    {
      // 56 KB of names: Java 17 refuses the CertificateRequest itself (32,768 B default), and
      // node-forge fails on one spread over 4 records (unexpected_message from the server).
      name: "…but not Java's default limit",
      when: { policy: "all", client: "java" },
      outcome: "excessive-size",
      side: "client",
    },
  ],
});
