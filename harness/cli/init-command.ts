import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { parseAddress } from "../scenario/server-rules.ts";
import {
  haproxyToTemplate,
  type InitTemplate,
  nginxToTemplate,
} from "../servers/templates/init-from-config.ts";
import { HAPROXY_TEMPLATE, NGINX_TEMPLATE } from "../servers/templates/product-rules.ts";
import { type Placeholder, renderTemplate } from "../servers/templates/render-template.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import type { Command } from "./command.ts";

const USAGE = `usage: rootload init (--nginx FILE | --haproxy FILE | --endpoint HOST:PORT) [-o DIR]
Writes a commented starter scenario (and for a config file, the config as a template with
\${ROOTLOAD_*} placeholders where its listeners, certificate and client CA bundle were) into DIR
(default: rootload/). Existing files are never overwritten. Then: rootload run DIR/<name>.scenario.ts
`;

function rootsBlock(caBundle: string | undefined, outDir: string): string {
  const source = caBundle
    ? `{ kind: "pem", path: ${JSON.stringify(path.relative(outDir, caBundle) || caBundle)} }, // your client CA bundle`
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

const IDENTITY_HINT = `  // Your own client certificate and enterprise CA instead of rootload's test client:
  // identity: { cert: "client.pem", key: "client.key", issuer: "enterprise-ca.pem" },
  // identity: { pkcs12: "client.p12", passwordEnv: "CLIENT_P12_PASSWORD", issuer: "enterprise-ca.pem" },`;

function templateScenario(driver: "nginx" | "haproxy", tpl: string, t: InitTemplate, outDir: string): string {
  return `// Starter scenario written by \`rootload init --${driver}\`. Run: rootload run ${path.join(path.relative(process.cwd(), outDir) || ".", `${driver}.scenario.ts`)}
import { defineScenario } from "rootload";

export default defineScenario({
  name: "my-${driver}",
  runtime: "auto", // containers when the engine and image are there, else local processes
  servers: [
    // Your config as a template (${tpl}): rootload fills in the placeholders at every step.
    // Without a policy it is tested as configured: results record what it advertised.
    { driver: "${driver}", config: "./${tpl}" },
    // The same server as rootload writes it, for comparison:
    { driver: "${driver}" },
  ],
${rootsBlock(t.caBundle, outDir)}
  clients: ["node", "openssl"],
${IDENTITY_HINT}
  expect: [
    { when: { maxBytes: 65_481 }, outcome: "ok", clientIssuerAdvertised: true },
  ],
});
`;
}

function endpointScenario(address: string): string {
  return `// Starter scenario written by \`rootload init --endpoint\`. Run it once and keep the run as your
// baseline; later runs compared with it (rootload compare BASELINE RUN) exit 1 when the list the
// server advertises changes, the client issuer falls out of it, or a client starts failing.
import { defineScenario } from "rootload";

export default defineScenario({
  name: "my-endpoint",
  servers: [
    // A server that is already running: not started, not grown; tested as configured.
    { driver: "endpoint", address: "${address}", tls: ["1.2", "1.3"] /* , sni: "api.example.com" */ },
  ],
  clients: ["node", "openssl"],
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
  const { values } = parseCommandArgs("init", args, {
    nginx: { type: "string" },
    haproxy: { type: "string" },
    endpoint: { type: "string" },
    out: { type: "string", short: "o" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(USAGE);
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
  const files: Record<string, string> = {};
  const report: string[] = [];
  if (kind === "endpoint") {
    if (!parseAddress(values.endpoint!))
      throw new InputError("rootload init --endpoint", `"${values.endpoint}" is not host:port`);
    files["endpoint.scenario.ts"] = endpointScenario(values.endpoint!);
  } else {
    const config = path.resolve(values[kind]!);
    if (!existsSync(config)) throw new InputError(`rootload init --${kind}`, `${config} not found`);
    const t = kind === "nginx" ? nginxToTemplate(config) : haproxyToTemplate(config);
    const tpl = `${t.mainFile}.template`;
    for (const [rel, text] of Object.entries(t.files)) files[rel === t.mainFile ? tpl : rel] = text;
    files[`${kind}.scenario.ts`] = templateScenario(kind, tpl, t, outDir);
    report.push(...t.changes);
    await writeAll(outDir, files);
    try {
      // What init writes must pass rootload's own template checks.
      renderTemplate(path.join(outDir, tpl), kind === "nginx" ? NGINX_TEMPLATE : HAPROXY_TEMPLATE, DUMMY);
    } catch (err) {
      for (const rel of Object.keys(files)) rmSync(path.join(outDir, rel), { force: true });
      throw err;
    }
  }
  if (kind === "endpoint") await writeAll(outDir, files);
  const shown = (f: string) => path.join(path.relative(process.cwd(), outDir) || ".", f);
  const scenarioFile = Object.keys(files).find((f) => f.endsWith(".scenario.ts"))!;
  process.stdout.write(
    `${report.map((r) => `  ${r}\n`).join("")}wrote ${Object.keys(files).map(shown).join(", ")}\nnext: rootload run ${shown(scenarioFile)}\n`,
  );
  return 0;
};

/** Write every file, or none when any exists already. */
async function writeAll(outDir: string, files: Record<string, string>): Promise<void> {
  for (const rel of Object.keys(files))
    if (existsSync(path.join(outDir, rel)))
      throw new InputError(
        path.join(outDir, rel),
        "exists already; init never overwrites (choose another -o DIR)",
      );
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
    await writeFileAtomic(path.join(outDir, rel), text);
  }
}
