import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineCommand, helpText, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { parseAddress } from "../scenario/server-rules.ts";
import {
  haproxyToTemplate,
  type InitTemplate,
  nginxToTemplate,
} from "../servers/templates/init-from-config.ts";
import { HAPROXY_TEMPLATE, NGINX_TEMPLATE } from "../servers/templates/product-rules.ts";
import { type Placeholder, renderTemplate } from "../servers/templates/render-template.ts";
import type { Command } from "./command.ts";
import { type InitClients, initClients } from "./init-clients.ts";
import { checkOutDir, writeAll } from "./init-output.ts";

export const INIT = defineCommand({
  name: "init",
  usage: ["init (--nginx FILE | --haproxy FILE | --endpoint HOST:PORT) [-o DIR]"],
  about: `Writes a commented starter scenario (and for a config file, the config as a template with
\${ROOTLOAD_*} placeholders where its listeners, certificate and client CA bundle were) into DIR.
Existing files are never overwritten. Then: rootload run DIR/<name>.scenario.ts. Exit 0, or 2 on bad input.`,
  options: {
    nginx: { type: "string", arg: "FILE", help: "your nginx.conf (its includes are converted too)" },
    haproxy: { type: "string", arg: "FILE", help: "your haproxy.cfg" },
    endpoint: { type: "string", arg: "HOST:PORT", help: "a running server rootload tests as it is" },
    out: { type: "string", short: "o", arg: "DIR", help: "where to write (default rootload/)" },
  },
});

function rootsBlock(caBundle: string | undefined, outDir: string): string {
  const source = caBundle
    ? `{ kind: "pem", path: ${lit(path.relative(outDir, caBundle) || caBundle)} }, // your client CA bundle`
    : `{ kind: "system" }, // no readable client CA bundle in the config: the system bundle stands in`;
  return `  roots: {
    source: ${source}
    // Grown (synthetic roots on top of yours) to where servers start to fail:
    // Schannel's 16 KB, half-way, and either side of OpenSSL's 65,535-byte limit.
    bytes: [16_384, 32_768, 65_481, 65_536],
    topUpSynthetic: true,
    clientIssuer: "last", // where the client's issuing CA sits in the grown list
  },`;
}

/**
 * A value in generated code: always a string literal, whatever the file name or address holds
 * (JSON.stringify, plus U+2028/U+2029, which end a line comment).
 */
const lit = (v: string) =>
  JSON.stringify(v)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

/** The clients line of a starter, with a comment on what was left out. */
function clientsBlock(c: InitClients): string {
  const out = c.reasons.filter((r) => r.includes(": left out")).map((r) => `  // ${lit(r).slice(1, -1)}`);
  return `${out.join("\n")}${out.length ? "\n" : ""}  clients: [${c.chosen.map(lit).join(", ")}],`;
}

const IDENTITY_HINT = `  // Your own client certificate and enterprise CA instead of rootload's test client:
  // identity: { cert: "client.pem", key: "client.key", issuer: "enterprise-ca.pem" },
  // identity: { pkcs12: "client.p12", passwordEnv: "CLIENT_P12_PASSWORD", issuer: "enterprise-ca.pem" },`;

function templateScenario(
  driver: "nginx" | "haproxy",
  tpl: string,
  t: InitTemplate,
  outDir: string,
  clients: InitClients,
): string {
  return `// Starter scenario written by \`rootload init --${driver}\`. Run: rootload run ${lit(path.join(path.relative(process.cwd(), outDir) || ".", `${driver}.scenario.ts`))}
import { defineScenario } from "rootload";

export default defineScenario({
  name: "my-${driver}",
  runtime: "auto", // containers when the engine and image are there, else local processes
  servers: [
    // Your config as a template: rootload fills in the placeholders at every step.
    // Without a policy it is tested as configured: results record what it advertised.
    { driver: "${driver}", config: ${lit(`./${tpl}`)} },
    // The same server as rootload writes it, for comparison:
    { driver: "${driver}" },
  ],
${rootsBlock(t.caBundle, outDir)}
${clientsBlock(clients)}
${IDENTITY_HINT}
  expect: [
    { when: { maxBytes: 65_481 }, outcome: "ok", clientIssuerAdvertised: true },
  ],
});
`;
}

function endpointScenario(address: string, clients: InitClients): string {
  return `// Starter scenario written by \`rootload init --endpoint\`. Run it once and keep the run as your
// baseline; later runs compared with it (rootload compare BASELINE RUN) exit 1 when the list the
// server advertises changes, the client issuer falls out of it, or a client starts failing.
import { defineScenario } from "rootload";

export default defineScenario({
  name: "my-endpoint",
  servers: [
    // A server that is already running: not started, not grown; tested as configured.
    { driver: "endpoint", address: ${lit(address)}, tls: ["1.2", "1.3"] /* , sni: "api.example.com" */ },
  ],
${clientsBlock(clients)}
${IDENTITY_HINT}
  expect: [{ outcome: "ok" }],
});
`;
}

const DUMMY: Record<Placeholder, string> = {
  ROOTLOAD_LISTEN: "127.0.0.1:1",
  ROOTLOAD_PORT: "1",
  ROOTLOAD_CERT: "/x",
  ROOTLOAD_KEY: "/x",
  ROOTLOAD_CA_FILE: "/x",
  ROOTLOAD_CA_ADVERTISED_FILE: "/x",
  ROOTLOAD_CA_VERIFY_FILE: "/x",
};

/** `rootload init`: the first run of a user's own config or server is one command away. */
export const initCommand: Command = async (args) => {
  const { values } = parseCommandArgs(INIT, args);
  if (values.help) {
    process.stdout.write(helpText(INIT));
    return 0;
  }
  const given = (["nginx", "haproxy", "endpoint"] as const).filter((k) => values[k] !== undefined);
  if (given.length !== 1)
    throw new InputError(
      "rootload init",
      `give exactly one of --nginx FILE, --haproxy FILE, --endpoint HOST:PORT`,
    );
  const kind = given[0]!;
  const outDir = path.resolve(values.out ?? "rootload");
  checkOutDir(outDir);
  const clients = initClients();
  const files: Record<string, string> = {};
  const report: string[] = [];
  if (kind === "endpoint") {
    if (!parseAddress(values.endpoint!))
      throw new InputError("rootload init --endpoint", `${lit(values.endpoint!)} is not host:port`);
    files["endpoint.scenario.ts"] = endpointScenario(values.endpoint!, clients);
  } else {
    const config = path.resolve(values[kind]!);
    if (!existsSync(config)) throw new InputError(`rootload init --${kind}`, `${config} not found`);
    const t = kind === "nginx" ? nginxToTemplate(config) : haproxyToTemplate(config);
    const tpl = `${t.mainFile}.template`;
    for (const [rel, text] of Object.entries(t.files)) files[rel === t.mainFile ? tpl : rel] = text;
    files[`${kind}.scenario.ts`] = templateScenario(kind, tpl, t, outDir, clients);
    report.push(...t.changes);
    await checkTemplate(kind, files, tpl, config);
  }
  await writeAll(outDir, files);
  const shown = (f: string) => path.join(path.relative(process.cwd(), outDir) || ".", f);
  const scenarioFile = Object.keys(files).find((f) => f.endsWith(".scenario.ts"))!;
  process.stdout.write(
    `${report.map((r) => `  ${r}\n`).join("")}clients: ${clients.chosen.join(", ")}\n${clients.reasons.map((r) => `  ${r}\n`).join("")}` +
      `wrote ${Object.keys(files).map(shown).join(", ")}\nnext: rootload run ${shown(scenarioFile)}\n`,
  );
  return 0;
};

/**
 * What init writes must pass rootload's own template checks before anything is written: the files
 * are rendered from a staging folder, and an error names the user's config, not that folder.
 */
async function checkTemplate(
  kind: "nginx" | "haproxy",
  files: Record<string, string>,
  tpl: string,
  config: string,
): Promise<void> {
  const staging = mkdtempSync(path.join(tmpdir(), "rootload-init-"));
  try {
    await writeAll(staging, files);
    renderTemplate(path.join(staging, tpl), kind === "nginx" ? NGINX_TEMPLATE : HAPROXY_TEMPLATE, DUMMY);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const where = err.where
      .split(path.join(staging, tpl))
      .join(config)
      .split(`${staging}${path.sep}`)
      .join(`${path.dirname(config)}${path.sep}`);
    throw new InputError(where, err.problem);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
