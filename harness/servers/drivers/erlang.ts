import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type RenderContext, signalFromPidFile } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";

/** The server's source: one escript, copied into the server's directory at render. */
const SOURCE_PATH = fileURLToPath(
  new URL("../../../containers/erlang-server/rootload_erlang_server.escript", import.meta.url),
);
let source: string | undefined;
function erlangSource(): string {
  source ??= readFileSync(SOURCE_PATH, "utf8");
  return source;
}

const OTP_NAME = { "1.2": "'tlsv1.2'", "1.3": "'tlsv1.3'" } as const;

/** An Erlang string literal: the path between double quotes, `\` and `"` escaped. */
function erlString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** `127.0.0.1` → `{127,0,0,1}`: gen_tcp's `ip` option takes a tuple. */
function erlIp(host: string): string {
  const parts = host.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p)))
    throw new Error(`erlang server: listen host ${JSON.stringify(host)} is not an IPv4 address`);
  return `{${parts.join(",")}}`;
}

/**
 * The terms file (file:consult). `cacertfile` is the whole store: OTP's server advertises what it
 * trusts. Policy `none` turns TLS 1.3's certificate_authorities extension off, OTP 25's only knob.
 */
function terms(ctx: RenderContext): string {
  const { config, plan, file } = ctx;
  const versions = [...config.tls].sort().map((v) => OTP_NAME[v]);
  const lines = [
    `{listen, ${erlIp(ctx.listenHost)}, ${ctx.listenPort}}.`,
    `{certfile, ${erlString(file("server.crt"))}}.`,
    `{keyfile, ${erlString(file("server.key"))}}.`,
    `{cacertfile, ${erlString(file(ISSUER_FILES.verify))}}.`,
    `{versions, [${versions.join(", ")}]}.`,
    `{certificate_authorities, ${plan.mode === "none" ? "false" : "true"}}.`,
    `{fail_if_no_peer_cert, ${config.clientAuth === "require" ? "true" : "false"}}.`,
    `{pidfile, ${erlString(ctx.state("erlang.pid"))}}.`,
  ];
  return `%% rendered by rootload\n${lines.join("\n")}\n`;
}

const ONE_STORE = {
  supported: false,
  how: "(cacertfile is both the trust store and the advertised list; only a verify_fun of one's own could trust more than it advertises)",
};

/**
 * Erlang/OTP's own TLS server (`ssl`, Debian erlang-ssl, OTP 25), as RabbitMQ, EMQX and Elixir
 * services run it: `cacertfile`, `verify_peer`, `fail_if_no_peer_cert`. One escript node; reload =
 * SIGHUP, after which every new connection is upgraded with the re-read options.
 */
export const erlangDriver = defineDriver({
  name: "erlang",
  binary: { name: "escript", pkg: "erlang-base" },
  packages: { "erlang-ssl": "erlang-ssl", "erlang-base": "erlang-base" },
  capabilities: {
    all: {
      "1.2": {
        supported: true,
        how: "(cacertfile; names in the order of OTP's certificate database, duplicates kept)",
      },
      "1.3": {
        supported: true,
        how: "(cacertfile; names in the order of OTP's certificate database, duplicates kept)",
      },
    },
    none: {
      "1.2": { supported: false, how: "(TLS 1.2 always lists the cacertfile's subjects)" },
      "1.3": { supported: true, how: "({certificate_authorities, false}: extension omitted)" },
    },
    "truncate-bytes": { "1.2": ONE_STORE, "1.3": ONE_STORE },
    explicit: { "1.2": ONE_STORE, "1.3": ONE_STORE },
  },
  limits: {
    "1.2":
      "all names up to 65,535 bytes (duplicates kept); from 65,536 the 16-bit length wraps: a malformed CertificateRequest, no alert, nothing logged (s_client: length mismatch)",
    "1.3":
      "all names up to 65,491 bytes; from 65,492 the extensions block's 16-bit length wraps: malformed (s_client: missing sigalgs extension, then bad extension)",
  },
  legacy: { supported: false, how: "(not set up: the forge model is served by the OpenSSL family)" },
  notes: [
    "OTP's ssl writes the CertificateRequest itself (not OpenSSL): the cacertfile's subjects in the order of its certificate database (neither file order nor sorted), repeats kept.",
    "Reload = SIGHUP to the node: ssl's PEM cache is cleared and later connections get the re-read options (same process).",
  ],
  ready: /rootload erlang server listening/,
  readyTimeoutMs: 60_000,
  reload: {
    kind: "command",
    argv: (ctx) => signalFromPidFile("SIGHUP", ctx.state("erlang.pid")),
    done: /rootload erlang server reloaded/,
    failed: /rootload erlang server reload failed/,
  },
  render: (ctx) => ({
    files: {
      "rootload_erlang_server.escript": erlangSource(),
      "rootload-erlang.config": terms(ctx),
    },
    // escript compiles the module into memory (-mode(compile)): nothing is written beside it.
    argv: ["escript", ctx.file("rootload_erlang_server.escript"), ctx.file("rootload-erlang.config")],
  }),
  versionsFromLog: (output): Record<string, string> => {
    const m = /listening otp=(\S+) ssl=(\S+)/.exec(output);
    return m ? { otp: m[1]!, "ssl-app": m[2]! } : {};
  },
});
