import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ConfigServer, readTree, rewritePaths } from "../check/fix/config-tree.ts";
import type { WrittenFix } from "../check/fix/run-fix.ts";
import type { ClientStack } from "../check/limits.ts";
import { InputError } from "../errors.ts";
import type { CaseResult } from "../model/case-result.ts";
import type { RootEntry } from "../roots/root-store.ts";
import { runScenario } from "../run/runner.ts";

/** The user's client identity for --verify: certificate and key (PEM); the issuer is --issuer. */
export interface VerifyIdentity {
  cert: string;
  key: string;
}

/**
 * A config as a rootload template (docs/templates.md): the listeners, the server certificate and
 * key become rootload's (the clients trust rootload's test server CA), and the directive holding
 * every trusted CA becomes ${ROOTLOAD_CA_FILE}, which the run fills with exactly that set, in the
 * same order. The advertised file stays the config's own.
 */
/** A `${NAME}` placeholder as the template machinery reads it. */
const ph = (name: string) => `\${${name}}`;

const TEMPLATE_RULES: Record<ConfigServer, [RegExp, string][]> = {
  nginx: [
    [/^(\s*listen\s+)[^\s;]+/, `$1${ph("ROOTLOAD_LISTEN")}`],
    [/^(\s*ssl_certificate\s+)[^\s;]+/, `$1${ph("ROOTLOAD_CERT")}`],
    [/^(\s*ssl_certificate_key\s+)[^\s;]+/, `$1${ph("ROOTLOAD_KEY")}`],
  ],
  apache: [
    [/^(\s*Listen\s+)\S+/i, `$1${ph("ROOTLOAD_LISTEN")}`],
    [/^(\s*<VirtualHost\s+)[^>]+/i, `$1${ph("ROOTLOAD_LISTEN")}`],
    [/^(\s*SSLCertificateFile\s+)\S+/i, `$1${ph("ROOTLOAD_CERT")}`],
    [/^(\s*SSLCertificateKeyFile\s+)\S+/i, `$1${ph("ROOTLOAD_KEY")}`],
  ],
  haproxy: [
    [/^(\s*bind\s+)\S+/, `$1${ph("ROOTLOAD_LISTEN")}`],
    [/(\scrt\s+)\S+/, `$1${ph("ROOTLOAD_CERT")}`],
  ],
  stunnel: [
    [/^(\s*accept\s*=\s*)\S+/i, `$1${ph("ROOTLOAD_LISTEN")}`],
    [/^(\s*cert\s*=\s*)\S+/i, `$1${ph("ROOTLOAD_CERT")}`],
    [/^(\s*key\s*=\s*)\S+/i, `$1${ph("ROOTLOAD_KEY")}`],
  ],
  lighttpd: [],
};

/** The directive that names every trusted CA, per server: the verify-only one when split, else the advertised one. */
const TRUST_DIRECTIVE: Record<ConfigServer, [RegExp, RegExp]> = {
  nginx: [/^(\s*ssl_trusted_certificate\s+)[^\s;]+/m, /^(\s*ssl_client_certificate\s+)[^\s;]+/m],
  apache: [/^(\s*SSLCACertificateFile\s+)\S+/im, /^(\s*SSLCACertificateFile\s+)\S+/im],
  haproxy: [/(\sca-verify-file\s+)\S+/, /(\sca-file\s+)\S+/],
  stunnel: [/^(\s*config\s*=\s*VerifyCAFile:)\S+/im, /^(\s*CAfile\s*=\s*)\S+/im],
  lighttpd: [/^(\s*ssl\.ca-file\s*=\s*)"[^"]*"/m, /^(\s*ssl\.ca-file\s*=\s*)"[^"]*"/m],
};

function toTemplate(server: ConfigServer, texts: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const all = [...texts.values()].join("\n");
  const [split, plain] = TRUST_DIRECTIVE[server];
  const trust = split.test(all) ? split : plain;
  for (const [rel, text] of texts) {
    let t = text
      .split("\n")
      .map((l) =>
        /^\s*#/.test(l) ? l : TEMPLATE_RULES[server].reduce((s, [re, to]) => s.replace(re, to), l),
      )
      .join("\n");
    t = t.replace(
      new RegExp(trust.source, trust.flags.replace("m", "") + "m"),
      `$1${ph("ROOTLOAD_CA_FILE")}`,
    );
    out.set(rel, t);
  }
  return out;
}

function writeTemplate(dir: string, texts: Map<string, string>): void {
  for (const [rel, t] of texts) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), t);
  }
}

/** One client's result on one server, as a phrase: "java refuses (excessive-size, 55,099 B)". */
export interface VerifiedClient {
  client: string;
  tls: string;
  ok: boolean;
  phrase: string;
  issuerPosition: number | null;
}

export interface Verification {
  before: VerifiedClient[];
  after: VerifiedClient[];
  proven: boolean;
}

const fmt = (n: number) => n.toLocaleString("en-US");

function phrase(c: CaseResult, issuer: RootEntry): VerifiedClient {
  const position = c.advertised?.names ? c.advertised.names.indexOf(issuer.subject) : -1;
  const issuerPosition = position >= 0 ? position + 1 : null;
  const size = c.advertised ? `${fmt(c.advertised.messageBytes)} B` : "no CertificateRequest read";
  // nginx (ssl_verify_client on) completes the handshake without a certificate and answers the
  // request with 400: a handshake that succeeded without the client's certificate is not "in".
  const noCert = c.clientCertificate?.sent === false;
  const ok = c.outcome.class === "ok" && !noCert;
  let text: string;
  if (ok) text = "accepts";
  else if (c.outcome.class === "issuer-not-advertised" || (c.outcome.class === "ok" && noCert))
    text = `no-certificate (issuer ${issuerPosition ? `at ${issuerPosition}` : "not advertised"}, ${size})`;
  else
    text = `refuses (${c.outcome.class}${"alert" in c.outcome && c.outcome.alert ? ` ${c.outcome.alert}` : ""}, ${size})`;
  return { client: c.client, tls: c.tls, ok, phrase: text, issuerPosition };
}

/**
 * Run the original and the fixed config through the real server (process runtime: the fixed
 * files are on this machine) with the named real clients presenting the user's certificate, and
 * judge both. The run's store is the original's trusted set, the issuer placed where it is in it.
 */
export async function verifyFix(
  fix: WrittenFix,
  identity: VerifyIdentity,
  issuerFile: string,
  clients: readonly ClientStack[],
  allowCommands = false,
  timeoutMs = 10_000,
): Promise<Verification> {
  const work = mkdtempSync(path.join(tmpdir(), "rootload-fix-verify-"));
  try {
    const before = readTree(fix.server, fix.original.source);
    const after = readTree(fix.server, fix.mainFile);
    writeTemplate(path.join(work, "before"), toTemplate(fix.server, rewritePaths(before, "", "relative")));
    writeTemplate(path.join(work, "after"), toTemplate(fix.server, rewritePaths(after, "", "relative")));
    const issuer = fix.issuers[0]!;
    const index = fix.trusted.findIndex((e) => e.sha256 === issuer.sha256);
    const others = fix.trusted.filter((_, i) => i !== index);
    if (others.length === 0)
      throw new InputError("rootload check --verify", "the trust store holds the issuer alone");
    writeFileSync(path.join(work, "store.pem"), others.map((e) => e.toPem()).join(""));
    const tls = fix.original.tls ?? ["1.2", "1.3"];
    const scenario = {
      name: "fix-verify",
      runtime: "process",
      servers: [
        { driver: fix.server, config: path.join(work, "before", before.mainFile), tls, allowCommands },
        { driver: fix.server, config: path.join(work, "after", after.mainFile), tls, allowCommands },
      ],
      roots: {
        source: { kind: "pem", path: path.join(work, "store.pem") },
        sizes: [fix.trusted.length],
        clientIssuer: index,
      },
      identity: {
        cert: path.resolve(identity.cert),
        key: path.resolve(identity.key),
        issuer: path.resolve(issuerFile),
      },
      clients,
      bench: { time: 10, iterations: 1 },
    };
    const file = path.join(work, "fix-verify.scenario.json");
    writeFileSync(file, JSON.stringify(scenario, null, 2));
    const run = await runScenario({ scenarioFile: file, outRoot: path.join(work, "out"), timeoutMs });
    // Case ids start with the instance's key: the driver for the first server, `driver#2` for the second.
    const isAfter = (c: CaseResult) => c.id.startsWith(`${fix.server}#2`);
    const order = (x: CaseResult, y: CaseResult) => (x.planIndex ?? 0) - (y.planIndex ?? 0);
    const ran = [...run.ran].sort(order);
    const b = ran.filter((c) => !isAfter(c)).map((c) => phrase(c, issuer));
    const a = ran.filter(isAfter).map((c) => phrase(c, issuer));
    return { before: b, after: a, proven: a.length > 0 && a.every((c) => c.ok) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** "before: java TLS 1.2 refuses (…), go TLS 1.2 no-certificate; after: all accept, issuer advertised at position 1". */
export function verificationText(v: Verification): string {
  const side = (cs: VerifiedClient[]) => {
    if (cs.length > 0 && cs.every((c) => c.ok)) {
      const pos = [...new Set(cs.map((c) => c.issuerPosition))];
      return `all accept (${cs.map((c) => `${c.client} TLS ${c.tls}`).join(", ")}), issuer advertised at position ${pos.map((p) => p ?? "none").join("/")}`;
    }
    return cs.map((c) => `${c.client} TLS ${c.tls} ${c.phrase}`).join("; ");
  };
  return `verified with the real server and clients, your certificate:\n  before: ${side(v.before)}\n  after:  ${side(v.after)}\n`;
}
