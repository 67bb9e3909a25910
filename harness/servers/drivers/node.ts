import { type RenderContext, signalFromPidFile } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { OPENSSL_LEGACY, OPENSSL_LIMITS, opensslCiphers, protocolRange } from "../protocols.ts";
import { NODE_SERVER_SCRIPT } from "./node-script.ts";

function config(ctx: RenderContext): string {
  const { config: c, plan, file } = ctx;
  const { min, max } = protocolRange(c);
  return JSON.stringify(
    {
      host: ctx.listenHost,
      port: ctx.listenPort,
      mode: plan.mode,
      clientAuth: c.clientAuth,
      certFile: file("server.crt"),
      keyFile: file("server.key"),
      verifyFile: file(ISSUER_FILES.verify),
      advertiseFile: file(ISSUER_FILES.advertise),
      minVersion: min,
      maxVersion: max,
      ciphers: opensslCiphers(c),
    },
    null,
    2,
  );
}

const JS_VERIFY = "verified in JS after the handshake (a rejected client is disconnected, no alert)";

/**
 * Node's https/tls server, as a child process (process runtime) or under the image's nodejs
 * (container runtime). Reload: SIGHUP → `server.setSecureContext` in place.
 */
export const nodeDriver = defineDriver({
  name: "node",
  binary: { name: "node", pkg: "nodejs" },
  packages: { nodejs: "nodejs" },
  capabilities: {
    all: { "1.2": { supported: true, how: "(ca = store)" }, "1.3": { supported: true, how: "(ca = store)" } },
    none: {
      "1.2": { supported: true, how: `, ${JS_VERIFY}` },
      "1.3": { supported: true, how: `, ${JS_VERIFY}` },
    },
    "truncate-bytes": {
      "1.2": { supported: true, how: `(ca = prefix), ${JS_VERIFY}` },
      "1.3": { supported: true, how: `(ca = prefix), ${JS_VERIFY}` },
    },
    explicit: {
      "1.2": { supported: true, how: `(ca = entries), ${JS_VERIFY}` },
      "1.3": { supported: true, how: `(ca = entries), ${JS_VERIFY}` },
    },
  },
  limits: OPENSSL_LIMITS,
  legacy: OPENSSL_LEGACY,
  notes: [
    "Keeps file order.",
    "In the process runtime Node is the harness's own binary; in containers Debian's nodejs 18.",
  ],
  ready: /rootload node server listening/,
  reload: {
    kind: "command",
    argv: (ctx) => signalFromPidFile("SIGHUP", ctx.state("node.pid")),
    done: /rootload node server reloaded/,
    failed: /rootload node server reload failed/,
  },
  render: (ctx) => ({
    files: { "node-server.mjs": NODE_SERVER_SCRIPT, "node-server.json": config(ctx) },
    argv: [
      "sh",
      "-c",
      'echo $$ > "$0"; exec "$@"',
      ctx.state("node.pid"),
      ctx.node,
      ctx.file("node-server.mjs"),
      ctx.file("node-server.json"),
    ],
  }),
  versionsFromLog: (output): Record<string, string> => {
    const m = /listening node=(\S+) openssl=(\S+)/.exec(output);
    return m ? { node: m[1]!, "node-openssl": m[2]! } : {};
  },
});
