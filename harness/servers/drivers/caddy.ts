import type { RenderContext } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";

const ADMIN_SOCKET = "caddy-admin.sock";

/**
 * Caddy's native JSON config. `trusted_ca_certs_pem_files` loads every certificate of the bundle
 * (the Caddyfile's `trusted_ca_cert_file` loads only the first). The admin API listens on a Unix
 * socket in the server's state folder, so parallel instances never share a port; automatic HTTPS
 * is off and what Caddy writes (socket, storage) stays in the state folder, the only writable part.
 */
function caddyJson(ctx: RenderContext): string {
  const { config, file, state } = ctx;
  const v = [...config.tls].sort();
  const config_ = {
    admin: { listen: `unix/${state(ADMIN_SOCKET)}`, config: { persist: false } },
    storage: { module: "file_system", root: state("caddy-data") },
    logging: { logs: { default: { level: "DEBUG", writer: { output: "stderr" } } } },
    apps: {
      tls: {
        certificates: {
          load_files: [{ certificate: file("server.crt"), key: file("server.key"), tags: ["rootload"] }],
        },
      },
      http: {
        servers: {
          rootload: {
            listen: [`${ctx.listenHost}:${ctx.listenPort}`],
            automatic_https: { disable: true },
            tls_connection_policies: [
              {
                certificate_selection: { any_tag: ["rootload"] },
                protocol_min: `tls${v[0]}`,
                protocol_max: `tls${v[v.length - 1]}`,
                client_authentication: {
                  trusted_ca_certs_pem_files: [file(ISSUER_FILES.verify)],
                  mode: config.clientAuth === "require" ? "require_and_verify" : "verify_if_given",
                },
              },
            ],
            routes: [{ handle: [{ handler: "static_response", status_code: 200, body: "ok\n" }] }],
          },
        },
      },
    },
  };
  return `${JSON.stringify(config_, null, 2)}\n`;
}

/** Caddy writes its autosave and data under $HOME/XDG dirs unless told otherwise: keep them in the state folder. */
function env(ctx: RenderContext): string[] {
  return [
    "env",
    `HOME=${ctx.state("")}`,
    `XDG_DATA_HOME=${ctx.state("xdg-data")}`,
    `XDG_CONFIG_HOME=${ctx.state("xdg-config")}`,
  ];
}

const NO_SPLIT = {
  supported: false,
  how: "(Go's tls.Config has one ClientCAs pool: what verifies is what is advertised, ClientCAs.Subjects())",
};

/** Caddy 2 (Debian's build, Go crypto/tls): only `all` is expressible. Reload in place through the admin socket. */
export const caddyDriver = defineDriver({
  name: "caddy",
  binary: { name: "caddy", pkg: "caddy" },
  packages: { caddy: "caddy" },
  capabilities: {
    all: {
      "1.2": { supported: true, how: "(trusted_ca_certs_pem_files; file order, duplicates kept)" },
      "1.3": { supported: true, how: "(trusted_ca_certs_pem_files; file order, duplicates kept)" },
    },
    none: { "1.2": NO_SPLIT, "1.3": NO_SPLIT },
    "truncate-bytes": { "1.2": NO_SPLIT, "1.3": NO_SPLIT },
    explicit: { "1.2": NO_SPLIT, "1.3": NO_SPLIT },
  },
  limits: {
    "1.2":
      "all names up to 65,535 bytes; from 65,536 the 16-bit length wraps: malformed CertificateRequest (66,767 declared as 1,231; client: length mismatch)",
    "1.3":
      "all names up to 65,491 bytes; from 65,492 the connection closes after EncryptedExtensions without an alert",
  },
  legacy: { supported: false, how: "(Caddy's protocol_min starts at tls1.2)" },
  notes: [
    "Keeps file order. TLS 1.3 over the limit logs `http: TLS handshake error from …: cryptobyte: pending child length N exceeds 2-byte length prefix` (DEBUG); TLS 1.2 logs nothing, the wrapped message goes out.",
    "Admin API on a Unix socket in the server's state folder; reload = `caddy reload` through it (same process).",
  ],
  ready: /serving initial configuration/,
  readyTimeoutMs: 30_000,
  reload: {
    kind: "command",
    argv: (ctx) => [
      ...env(ctx),
      "caddy",
      "reload",
      // The JSON names the same files; without --force an unchanged config is not reloaded.
      "--force",
      "--config",
      ctx.file("caddy.json"),
      "--address",
      `unix/${ctx.state(ADMIN_SOCKET)}`,
    ],
    done: /load complete/,
    failed: /"level":"error","ts":[^,]+,"logger":"admin\.api"/,
  },
  render: (ctx) => ({
    files: { "caddy.json": caddyJson(ctx) },
    // The pid file lets a test tell an in-place reload from a restart.
    argv: [
      "sh",
      "-c",
      `echo $$ > ${ctx.state("caddy.pid")}; exec "$@"`,
      "sh",
      ...env(ctx),
      "caddy",
      "run",
      "--config",
      ctx.file("caddy.json"),
    ],
  }),
});
