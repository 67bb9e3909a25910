import { CA_LIST_LIMIT_BYTES } from "../../model/limits.ts";
import { GNUTLS_REQUEST, maxListBytes13 } from "../../probe/certificate-request-size.ts";
import type { RenderContext } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { enabledVersions, limitText } from "../protocols.ts";

/** gnutls-serv listens here inside its own network namespace; the runtime relays to it. */
const INNER_PORT = 4433;

const GNUTLS_VERSION: Record<string, string> = {
  "1.0": "+VERS-TLS1.0",
  "1.1": "+VERS-TLS1.1",
  "1.2": "+VERS-TLS1.2",
  "1.3": "+VERS-TLS1.3",
};

function priority(ctx: RenderContext): string {
  const parts = ["NORMAL", "-VERS-ALL", ...enabledVersions(ctx.config).map((v) => GNUTLS_VERSION[v]!)];
  // forge: RSA key exchange with AES-CBC and SHA-1 MACs.
  if (ctx.config.legacyCompat) parts.push("+RSA", "+AES-128-CBC", "+AES-256-CBC", "+SHA1");
  return parts.join(":");
}

function argv(ctx: RenderContext): string[] {
  const a = [
    "gnutls-serv",
    "--http",
    "--port",
    `${ctx.listenPort}`,
    "--x509certfile",
    ctx.file("server.crt"),
    "--x509keyfile",
    ctx.file("server.key"),
    "--x509cafile",
    ctx.file(ISSUER_FILES.verify),
    "--priority",
    priority(ctx),
    // Without --verify-client-cert gnutls-serv accepts any client certificate.
    "--verify-client-cert",
  ];
  if (ctx.config.clientAuth === "require") a.push("--require-client-cert");
  return a;
}

/**
 * gnutls-serv. It binds every address, so it runs in a network namespace of its own (a
 * `--network none` container, or `unshare -n` as a process) behind a relay on 127.0.0.1.
 * Its CLI has no way to advertise fewer names than it trusts.
 */
export const gnutlsDriver = defineDriver({
  name: "gnutls",
  binary: { name: "gnutls-serv", pkg: "gnutls-bin" },
  packages: { gnutls: "gnutls-bin", libgnutls: "libgnutls30" },
  capabilities: {
    all: { "1.2": { supported: true }, "1.3": { supported: true } },
    none: {
      "1.2": { supported: false, how: "(not possible from gnutls-serv's CLI)" },
      "1.3": { supported: false, how: "(not possible from gnutls-serv's CLI)" },
    },
    "truncate-bytes": {
      "1.2": { supported: false, how: "(CLI cannot split advertised and trusted)" },
      "1.3": { supported: false, how: "(CLI cannot split advertised and trusted)" },
    },
    explicit: {
      "1.2": { supported: false, how: "(CLI cannot split advertised and trusted)" },
      "1.3": { supported: false, how: "(CLI cannot split advertised and trusted)" },
    },
  },
  limits: {
    "1.2": limitText(
      CA_LIST_LIMIT_BYTES,
      " the 16-bit length wraps: malformed CertificateRequest (client: length mismatch)",
    ),
    "1.3": limitText(maxListBytes13(GNUTLS_REQUEST["1.3"]), ": decode_error"),
  },
  legacy: { supported: true, how: "(+VERS-TLS1.0 +RSA +AES-128-CBC +SHA1)" },
  notes: [
    "Keeps file order.",
    "Binds all addresses: isolated network namespace + Unix-socket relay to 127.0.0.1.",
    "Reload = restart behind the same relay port.",
  ],
  isolated: { innerPort: INNER_PORT },
  ready: /listening on/i,
  reload: { kind: "restart" },
  render: (ctx) => ({ files: {}, argv: argv(ctx) }),
});
