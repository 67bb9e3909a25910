import { haproxyPath } from "../config-path.ts";
import { type RenderContext, signalFromPidFile } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { OPENSSL_LEGACY, OPENSSL_LIMITS, OPENSSL_NAME, opensslCiphers, protocolRange } from "../protocols.ts";

/** HAProxy spells versions without the "v": TLSv1.2 → TLSv1.2, TLSv1 → TLSv1.0. */
function haVersion(openssl: string): string {
  return openssl === OPENSSL_NAME["1.0"] ? "TLSv1.0" : openssl;
}

function render(ctx: RenderContext): string {
  const { config, plan } = ctx;
  const file = (n: string) => haproxyPath(ctx.file(n));
  const { min, max } = protocolRange(config);
  const bind = [
    `bind ${ctx.listenHost}:${ctx.listenPort} ssl crt ${file("server-full.pem")}`,
    `verify ${config.clientAuth === "require" ? "required" : "optional"}`,
    `ssl-min-ver ${haVersion(min)} ssl-max-ver ${haVersion(max)}`,
  ];
  if (plan.mode === "subset") {
    // ca-file is advertised and trusted; ca-verify-file is trusted only.
    bind.push(`ca-file ${file(ISSUER_FILES.advertise)} ca-verify-file ${file(ISSUER_FILES.rest)}`);
  } else {
    bind.push(`ca-file ${file(ISSUER_FILES.verify)}`);
    // no-ca-names omits the TLS 1.3 extension instead of sending it empty.
    if (plan.mode === "none") bind.push("no-ca-names");
  }
  const ciphers = opensslCiphers(config);
  if (ciphers) bind.push(`ciphers ${ciphers}`);
  return `# rendered by rootload
global
  log stderr format raw local0 notice
  ssl-server-verify none
defaults
  mode http
  log global
  timeout connect 5s
  timeout client 10s
  timeout server 10s
frontend rootload
  ${bind.join(" ")}
  http-request return status 200 content-type text/plain string ok
`;
}

const cfg = (ctx: RenderContext) => ctx.file("haproxy.cfg");

/**
 * HAProxy in master-worker mode; reload by SIGUSR2 to the master (pid file), which starts a new
 * worker with the new configuration and lets the old one finish.
 */
export const haproxyDriver = defineDriver({
  name: "haproxy",
  binary: { name: "haproxy", pkg: "haproxy" },
  packages: { haproxy: "haproxy", openssl: "libssl3" },
  capabilities: {
    all: {
      "1.2": { supported: true, how: "(names sorted)" },
      "1.3": { supported: true, how: "(names sorted)" },
    },
    none: {
      "1.2": { supported: true, how: "(no-ca-names)" },
      "1.3": { supported: true, how: "(no-ca-names; extension omitted)" },
    },
    "truncate-bytes": {
      "1.2": { supported: true, how: "as a subset (ca-file subset + ca-verify-file rest; sorted)" },
      "1.3": { supported: true, how: "as a subset (ca-file subset + ca-verify-file rest; sorted)" },
    },
    explicit: {
      "1.2": { supported: true, how: "(ca-file + ca-verify-file; sorted)" },
      "1.3": { supported: true, how: "(ca-file + ca-verify-file; sorted)" },
    },
  },
  limits: OPENSSL_LIMITS,
  legacy: OPENSSL_LEGACY,
  notes: ["Sends names sorted, not in file order."],
  // The master handles USR2 only once it reports success (before that the signal is lost).
  ready: /Loading success/,
  version: { label: "haproxy", argv: ["haproxy", "-v"], pattern: /HAProxy version (\S+)/ },
  reload: {
    kind: "command",
    argv: (ctx) => signalFromPidFile("SIGUSR2", ctx.state("haproxy.pid")),
    done: /Former worker .*exited|Loading success/,
    // A refused reload leaves the master in "waitpid mode" with the old worker serving.
    failed: /Fatal errors|waitpid mode/,
    received: /Reloading HAProxy/,
    signal: "SIGUSR2",
    workers: {
      started: /New worker \((\d+)\) forked/,
      exited: (pid) => new RegExp(`Former worker \\(${pid}\\) exited`),
    },
  },
  render: (ctx) => ({
    files: { "haproxy.cfg": render(ctx) },
    argv: ["haproxy", "-W", "-db", "-f", cfg(ctx), "-p", ctx.state("haproxy.pid")],
  }),
});
