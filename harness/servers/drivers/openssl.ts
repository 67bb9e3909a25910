import type { RenderContext } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { OPENSSL_LEGACY, OPENSSL_LIMITS, opensslCiphers, protocolRange } from "../protocols.ts";

function argv(ctx: RenderContext): string[] {
  const { config, plan, file } = ctx;
  const { min, max } = protocolRange(config);
  const a = [
    "openssl",
    "s_server",
    "-accept",
    `${ctx.listenHost}:${ctx.listenPort}`,
    "-cert",
    file("server.crt"),
    "-key",
    file("server.key"),
    // -Verify fails the handshake without a client certificate; -verify only asks for one; neither: no CertificateRequest.
    ...(config.clientAuth === "none"
      ? []
      : // Without -verify_return_error s_server's verify callback reports the error and lets the client in anyway.
        [config.clientAuth === "require" ? "-Verify" : "-verify", "3", "-verify_return_error"]),
    "-min_protocol",
    min,
    "-max_protocol",
    max,
    "-www",
  ];
  if (plan.mode === "subset")
    a.push("-CAfile", file(ISSUER_FILES.advertise), "-verifyCAfile", file(ISSUER_FILES.verify));
  else a.push("-CAfile", file(ISSUER_FILES.verify));
  if (plan.mode === "none") a.push("-no_ca_names");
  const ciphers = config.cipher12 ?? opensslCiphers(config);
  if (ciphers) a.push("-cipher", ciphers);
  if (config.groups) a.push("-groups", config.groups.join(":"));
  return a;
}

/** `openssl s_server`: one connection at a time; reload restarts it on the same port. */
export const opensslDriver = defineDriver({
  name: "openssl",
  binary: { name: "openssl", pkg: "openssl" },
  packages: { openssl: "openssl", libssl: "libssl3" },
  capabilities: {
    all: { "1.2": { supported: true }, "1.3": { supported: true } },
    none: {
      "1.2": { supported: true, how: "(-no_ca_names)" },
      "1.3": { supported: true, how: "(-no_ca_names; empty extension)" },
    },
    "truncate-bytes": {
      "1.2": { supported: true, how: "(-CAfile prefix -verifyCAfile store)" },
      "1.3": { supported: true, how: "(-CAfile prefix -verifyCAfile store)" },
    },
    explicit: {
      "1.2": { supported: true, how: "(file order kept)" },
      "1.3": { supported: true, how: "(file order kept)" },
    },
  },
  limits: OPENSSL_LIMITS,
  legacy: OPENSSL_LEGACY,
  handshake: {
    noClientAuth: { supported: true, how: "(no -verify: no CertificateRequest)" },
    groups: { supported: true, how: "(-groups)" },
    cipher12: { supported: true, how: "(-cipher)" },
  },
  notes: ["Keeps file order.", "Serves one connection at a time; reload = restart on the same port."],
  ready: /^ACCEPT/m,
  reload: { kind: "restart" },
  render: (ctx) => ({ files: {}, argv: argv(ctx) }),
});
