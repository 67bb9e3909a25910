import { nginxPath } from "../config-path.ts";
import { type RenderContext, signalFromPidFile } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import {
  enabledVersions,
  OPENSSL_LEGACY,
  OPENSSL_LIMITS,
  OPENSSL_NAME,
  opensslCiphers,
} from "../protocols.ts";

function render(ctx: RenderContext): string {
  const { config, plan } = ctx;
  const file = (n: string) => nginxPath(ctx.file(n));
  const lines: string[] = [];
  // Debian 12's nginx 1.22 leaves TLS 1.3 off unless ssl_protocols names it.
  lines.push(
    `ssl_protocols ${enabledVersions(config)
      .map((v) => OPENSSL_NAME[v])
      .join(" ")};`,
  );
  const ciphers = opensslCiphers(config);
  if (ciphers) lines.push(`ssl_ciphers ${ciphers};`, "ssl_conf_command MinProtocol TLSv1;");
  lines.push(
    `ssl_verify_client ${config.clientAuth === "require" ? "on" : "optional"};`,
    "ssl_verify_depth 3;",
  );
  if (plan.mode === "subset") {
    // nginx 1.22 refuses ssl_trusted_certificate without ssl_client_certificate, so the
    // advertised part goes in the first and the rest in the second; both are trusted.
    lines.push(`ssl_client_certificate ${file(ISSUER_FILES.advertise)};`);
    lines.push(`ssl_trusted_certificate ${file(ISSUER_FILES.rest)};`);
  } else {
    lines.push(`ssl_client_certificate ${file(ISSUER_FILES.verify)};`);
    if (plan.mode === "none") lines.push("ssl_conf_command Options -CANames;");
  }
  const state = (n: string) => nginxPath(ctx.state(n));
  const tmp = (n: string) => `${n}_temp_path ${state(`tmp-${n}`)};`;
  return `# rendered by rootload
daemon off;
master_process on;
worker_processes 1;
pid ${state("nginx.pid")};
error_log stderr notice;
events { worker_connections 256; }
http {
  access_log off;
  ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(tmp).join("\n  ")}
  server {
    listen ${ctx.listenHost}:${ctx.listenPort} ssl;
    server_name localhost;
    ssl_certificate ${file("server.crt")};
    ssl_certificate_key ${file("server.key")};
    ssl_session_tickets off;
    ${lines.join("\n    ")}
    location / { return 200 "ok\\n"; }
  }
}
`;
}

const conf = (ctx: RenderContext) => ["nginx", "-p", ctx.dir, "-e", "stderr", "-c", ctx.file("nginx.conf")];

/** nginx (Debian nginx-light): reload with SIGHUP to the master, waiting until the old worker has exited. */
export const nginxDriver = defineDriver({
  name: "nginx",
  binary: { name: "nginx", pkg: "nginx-light" },
  packages: { nginx: "nginx-light", openssl: "libssl3" },
  capabilities: {
    all: { "1.2": { supported: true }, "1.3": { supported: true } },
    none: {
      "1.2": { supported: true, how: "(ssl_conf_command Options -CANames)" },
      "1.3": {
        supported: true,
        how: ", but sends an empty certificate_authorities extension (2 bytes; gnutls-cli rejects it)",
      },
    },
    "truncate-bytes": {
      "1.2": { supported: true, how: "(ssl_client_certificate prefix + ssl_trusted_certificate rest)" },
      "1.3": { supported: true, how: "(ssl_client_certificate prefix + ssl_trusted_certificate rest)" },
    },
    explicit: {
      "1.2": { supported: true, how: "(file order kept)" },
      "1.3": { supported: true, how: "(file order kept)" },
    },
  },
  limits: OPENSSL_LIMITS,
  legacy: OPENSSL_LEGACY,
  notes: [
    "Keeps file order.",
    "Over 65,535 bytes of names: logs `SSL_do_handshake() failed ... internal error`.",
  ],
  ready: /start worker process/,
  version: { label: "nginx", argv: ["nginx", "-v"], pattern: /nginx\/(\S+)/ },
  // As root the master creates its temp folders for, and switches its workers to, "nobody".
  rootCapabilities: ["CHOWN", "SETUID", "SETGID", "KILL"],
  reload: {
    kind: "command",
    // SIGHUP to the master from its pid file, not `nginx -s reload`: that command parses the whole
    // configuration first, loading every CA certificate (1.2 s of CPU for 2,016 certificates,
    // measured with `nginx -t`), only to send the same signal.
    argv: (ctx) => signalFromPidFile("SIGHUP", ctx.state("nginx.pid")),
    // The old worker exits once it has closed its listeners: from then on only new workers answer.
    done: /worker process \d+ exited/,
    failed: /\[emerg\]/,
    received: /signal 1 \(SIGHUP\) received/,
    signal: "SIGHUP",
    workers: {
      started: /start worker process (\d+)/,
      exited: (pid) => new RegExp(`worker process ${pid} exited`),
    },
  },
  render: (ctx) => ({ files: { "nginx.conf": render(ctx) }, argv: conf(ctx) }),
});
