import { stunnelPath } from "../config-path.ts";
import type { RenderContext } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { OPENSSL_LEGACY, OPENSSL_LIMITS, protocolRange } from "../protocols.ts";

function render(ctx: RenderContext): string {
  const { config, plan } = ctx;
  const file = (n: string) => stunnelPath(ctx.file(n));
  const { min, max } = protocolRange(config);
  const svc: string[] = [
    `accept = ${ctx.listenHost}:${ctx.listenPort}`,
    // Echo whatever the client sends: enough to tell an accepted client from a rejected one.
    "exec = /bin/cat",
    `cert = ${file("server.crt")}`,
    `key = ${file("server.key")}`,
    "verifyChain = yes",
    `requireCert = ${config.clientAuth === "require" ? "yes" : "no"}`,
    `sslVersionMin = ${min}`,
    `sslVersionMax = ${max}`,
  ];
  if (plan.mode === "subset") {
    svc.push(
      `CAfile = ${file(ISSUER_FILES.advertise)}`,
      `config = VerifyCAFile:${file(ISSUER_FILES.verify)}`,
    );
  } else {
    svc.push(`CAfile = ${file(ISSUER_FILES.verify)}`);
    if (plan.mode === "none") svc.push("options = DISABLE_TLSEXT_CA_NAMES");
  }
  if (config.legacyCompat) svc.push("ciphers = DEFAULT:AES128-SHA:AES256-SHA", "securityLevel = 0");
  return `; rendered by rootload
foreground = yes
pid = ${stunnelPath(ctx.state("stunnel.pid"))}
debug = 6
syslog = no

[rootload]
${svc.join("\n")}
`;
}

/** stunnel; reload = restart on the same port (see `reload`). */
export const stunnelDriver = defineDriver({
  name: "stunnel",
  binary: { name: "stunnel4", pkg: "stunnel4" },
  packages: { stunnel: "stunnel4", openssl: "libssl3" },
  capabilities: {
    all: {
      "1.2": { supported: true, how: "(names sorted)" },
      "1.3": { supported: true, how: "(names sorted)" },
    },
    none: {
      "1.2": { supported: true, how: "(options = DISABLE_TLSEXT_CA_NAMES)" },
      "1.3": { supported: true, how: ", but sends an empty certificate_authorities extension" },
    },
    "truncate-bytes": {
      "1.2": { supported: true, how: "as a subset (CAfile subset + config = VerifyCAFile:store; sorted)" },
      "1.3": { supported: true, how: "as a subset (CAfile subset + config = VerifyCAFile:store; sorted)" },
    },
    explicit: { "1.2": { supported: true, how: "(sorted)" }, "1.3": { supported: true, how: "(sorted)" } },
  },
  limits: OPENSSL_LIMITS,
  legacy: OPENSSL_LEGACY,
  notes: [
    "Sends names sorted, not in file order. Reload = restart on the same port (SIGHUP with an oversized list stops it listening).",
  ],
  // Not "Configuration successful": stunnel logs it before binding, and after a failed bind
  // (port taken) it keeps running without listening. Debug level 6 (info) logs the bind.
  ready: /Service \[rootload\] \(FD=\d+\) bound to/,
  startFailed: /Binding service \[rootload\] failed/,
  // stunnel 5.68 loads a CAfile of 2,000 roots in 13 to 27 s on the 2-core host at load 11 to 21
  // (the same at debug 5 and 6): past the default 20 s.
  readyTimeoutMs: 60_000,
  version: { label: "stunnel", argv: ["stunnel4", "-version"], pattern: /stunnel (\d\S*)/ },
  // Not SIGHUP: after a SIGHUP with a list past 65,535 bytes stunnel 5.68 logs "Configuration
  // successful", keeps listening for a moment, then refuses connections (seen in the growth sweep).
  reload: { kind: "restart" },
  // exec = /bin/cat: raw TLS, an echo; a client's GET would come back as the "answer".
  application: "none",
  render: (ctx) => ({ files: { "stunnel.conf": render(ctx) }, argv: ["stunnel4", ctx.file("stunnel.conf")] }),
});
