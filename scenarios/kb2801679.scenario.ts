import { defineScenario } from "../harness/scenario/define-scenario.ts";

/**
 * KB 2801679 / KB 933430 reproduced: a Windows server with the full 2025 automatic-root-update
 * list in LocalMachine\Root truncates its CertificateRequest (Schannel: 16 KB; Server 2003:
 * 0x3000 bytes). The enterprise CA that issued the users' certificates was added last, so it is
 * cut off; a client that picks its certificate from the advertised list (node-forge here, like
 * the Windows client) finds none and the handshake fails. SendTrustedIssuerList=0 (policy
 * "none") fixes it. Emulated with openssl s_server advertising the fitting prefix.
 */
export default defineScenario({
  name: "kb2801679",
  description: "Schannel-style truncation of a 2025 Windows root list cuts off the enterprise client CA",
  runtime: "auto",
  servers: [{ driver: "openssl", tls: ["1.2"], policy: ["schannel-2003", "schannel", "none", "all"] }],
  roots: {
    source: {
      kind: "ctl",
      path: "../../shared/data/rootstores/microsoft/2025-06-16/authrootstl.cab",
      purpose: "any",
      includeDisabled: true,
    },
    clientIssuer: "last",
  },
  clients: ["forge", "node"],
  bench: { time: 150, iterations: 5 },
  expect: [
    {
      name: "Schannel truncation hides the enterprise CA and the client finds no certificate",
      when: { policy: "schannel-2003" },
      outcome: "issuer-not-advertised",
      clientIssuerAdvertised: false,
      advertises: "intended",
    },
    {
      name: "16 KB truncation (Server 2008+) hides it too",
      when: { policy: "schannel" },
      outcome: "issuer-not-advertised",
      clientIssuerAdvertised: false,
    },
    { name: "SendTrustedIssuerList=0 fixes it", when: { policy: "none" }, outcome: "ok", advertises: "none" },
    // node-forge fails on this 55 KB CertificateRequest (4 records) with unexpected_message, so
    // the full-list contrast holds for the modern client only.
    {
      name: "the whole list fits the TLS limit here",
      when: { policy: "all", client: "node" },
      outcome: "ok",
      clientIssuerAdvertised: true,
    },
  ],
});
