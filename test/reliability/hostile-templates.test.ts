import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../harness/errors.ts";
import {
  APACHE_TEMPLATE,
  HAPROXY_TEMPLATE,
  NGINX_TEMPLATE,
  STUNNEL_TEMPLATE,
} from "../../harness/servers/templates/product-rules.ts";
import {
  CHECK_ONLY,
  type Placeholder,
  renderTemplate,
  type TemplateRules,
} from "../../harness/servers/templates/render-template.ts";
import { runCli } from "../support/cli.ts";
import { writeScenario } from "../support/run-files.ts";
import { exportPkcs12, makeUserPki } from "../support/user-pki.ts";

/** What a hostile template can do to the machine rootload runs on: nothing outside its own folder. */

const values: Record<Placeholder, string> = {
  ROOTLOAD_LISTEN: "127.0.0.1:8443",
  ROOTLOAD_PORT: "8443",
  ROOTLOAD_CERT: "/srv/d/server.crt",
  ROOTLOAD_KEY: "/srv/d/server.key",
  ROOTLOAD_CA_FILE: "/srv/d/store.pem",
  ROOTLOAD_CA_ADVERTISED_FILE: "/srv/d/advertise.pem",
  ROOTLOAD_CA_VERIFY_FILE: "/srv/d/store.pem",
};

function template(name: string, files: Record<string, string>, base = tmpdir()): string {
  const dir = mkdtempSync(path.join(base, `rootload-tpl-${name}-`));
  for (const [n, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    writeFileSync(path.join(dir, n), t);
  }
  return path.join(dir, Object.keys(files)[0]!);
}

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("rendered without an error");
};

const NGINX_OK = (listen: string) =>
  `events {}\nhttp {\n  server {\n    ${listen}\n    ssl_certificate \${ROOTLOAD_CERT};\n    ssl_certificate_key \${ROOTLOAD_KEY};\n    ssl_client_certificate \${ROOTLOAD_CA_FILE};\n    ssl_verify_client on;\n  }\n}\n`;

const tiny = (servers: object[], extra: object = {}) => ({
  name: "hostile-template",
  runtime: "process",
  servers,
  roots: { source: { kind: "builtin" }, sizes: [10] },
  clients: ["node"],
  bench: { time: 10, iterations: 1 },
  ...extra,
});

describe("a template's includes are rendered under the server's own folder only", () => {
  it("an include with ../ that leaves the template's folder is refused, and the file it names is never written", async () => {
    // The victim outside the temp folder; the template deep enough that "../" × depth from the
    // server's folder would reach it (as it did: the file was replaced, mode 0644 → 0600).
    const victimDir = mkdtempSync(path.join("/var/tmp", "rootload-victim-"));
    const victim = path.join(victimDir, "victim.conf");
    writeFileSync(victim, "# keep ${ROOTLOAD_PORT}\n", { mode: 0o644 });
    const before = statSync(victim);
    const deep = path.join(mkdtempSync(path.join(tmpdir(), "rootload-deep-")), "a/b/c/d/e/f/g/h");
    mkdirSync(deep, { recursive: true });
    const tpl = path.join(deep, "nginx.conf.template");
    const rel = path.relative(deep, victim);
    writeFileSync(tpl, NGINX_OK(`listen \${ROOTLOAD_LISTEN} ssl;\n    include ${rel};`));
    const message = refusal(() => renderTemplate(tpl, NGINX_TEMPLATE, values));
    expect(message, message).toMatch(/nginx\.conf\.template:5: include .* leaves the template's folder/);
    const { file, out } = await writeScenario(tiny([{ driver: "nginx", config: tpl }]), "escape");
    const r = await runCli(["run", file, "--out", out, "--quiet"], 120_000);
    expect(r.code, r.stderr.slice(-600)).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    const after = statSync(victim);
    expect(after.ino).toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o644);
    expect(readFileSync(victim, "utf8")).toBe("# keep ${ROOTLOAD_PORT}\n");
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 150_000);
});

describe("the listen rule reads directives, not lines, in every template syntax", () => {
  const cases: [string, TemplateRules, Record<string, string>, RegExp][] = [
    [
      "nginx: a second listen on the same line",
      NGINX_TEMPLATE,
      { "nginx.conf.template": NGINX_OK("listen ${ROOTLOAD_LISTEN} ssl; listen 0.0.0.0:38443 ssl;") },
      /:4: "listen 0\.0\.0\.0:38443 ssl;" listens without/,
    ],
    [
      "nginx: a listen after another directive on its line",
      NGINX_TEMPLATE,
      {
        "nginx.conf.template": NGINX_OK(
          "listen ${ROOTLOAD_LISTEN} ssl; server_name other; listen 0.0.0.0:38443;",
        ),
      },
      /:4: "listen 0\.0\.0\.0:38443;" listens without/,
    ],
    [
      "stunnel: accept in capitals (stunnel compares option names case-blind)",
      STUNNEL_TEMPLATE,
      {
        "stunnel.conf.template":
          "[svc]\naccept = ${ROOTLOAD_LISTEN}\nACCEPT = 0.0.0.0:38443\ncert = ${ROOTLOAD_CERT}\nCAfile = ${ROOTLOAD_CA_FILE}\nverify = 2\nconnect = 127.0.0.1:9\n",
      },
      /:3: "ACCEPT = 0\.0\.0\.0:38443" listens without/,
    ],
    [
      "Apache: a Listen split over a continuation line",
      APACHE_TEMPLATE,
      {
        "apache.conf.template":
          "Listen ${ROOTLOAD_LISTEN}\nlisten \\\n  0.0.0.0:38443\nSSLCertificateFile ${ROOTLOAD_CERT}\nSSLCertificateKeyFile ${ROOTLOAD_KEY}\nSSLCACertificateFile ${ROOTLOAD_CA_FILE}\n",
      },
      /:2: "listen\s+0\.0\.0\.0:38443" listens without/,
    ],
  ];
  it.each(cases)("%s", (_, rules, files, pattern) => {
    const tpl = template("listen", files);
    expect(refusal(() => renderTemplate(tpl, rules, values))).toMatch(pattern);
  });

  it("an absolute include is read for its listeners, never rendered", () => {
    const outside = mkdtempSync(path.join(tmpdir(), "rootload-outside-"));
    writeFileSync(path.join(outside, "extra.conf"), "server { listen 0.0.0.0:38443; }\n");
    const tpl = template("abs", {
      "nginx.conf.template": `events {}\nhttp {\n  include ${outside}/extra.conf;\n  server {\n    listen \${ROOTLOAD_LISTEN} ssl;\n    ssl_certificate \${ROOTLOAD_CERT};\n    ssl_certificate_key \${ROOTLOAD_KEY};\n    ssl_client_certificate \${ROOTLOAD_CA_FILE};\n  }\n}\n`,
    });
    expect(refusal(() => renderTemplate(tpl, NGINX_TEMPLATE, values))).toMatch(
      /extra\.conf:1: "listen 0\.0\.0\.0:38443;" listens without/,
    );
  });
});

describe("directives that run programs need allowCommands: true", () => {
  const envDump = path.join(mkdtempSync(path.join(tmpdir(), "rootload-envdump-")), "env.txt");
  const HAPROXY_PROGRAM = `global\n    master-worker\n    log stdout format raw local0\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\nprogram spy\n    command /bin/sh -c "env > ${envDump}; sleep 60"\nfrontend fe\n    bind \${ROOTLOAD_LISTEN} ssl crt \${ROOTLOAD_CERT} ca-file \${ROOTLOAD_CA_FILE} verify required\n    http-request return status 200 content-type text/plain string ok\n`;
  const cases: [string, TemplateRules, Record<string, string>, RegExp][] = [
    [
      "HAProxy program section",
      HAPROXY_TEMPLATE,
      { "haproxy.cfg.template": HAPROXY_PROGRAM },
      /:9: "program spy" makes haproxy run a program/,
    ],
    [
      "Apache piped log",
      APACHE_TEMPLATE,
      {
        "apache.conf.template":
          'Listen ${ROOTLOAD_LISTEN}\nSSLCertificateFile ${ROOTLOAD_CERT}\nSSLCertificateKeyFile ${ROOTLOAD_KEY}\nSSLCACertificateFile ${ROOTLOAD_CA_FILE}\nCustomLog "|/bin/sh -c id" common\n',
      },
      /:5: .*makes apache run a program/,
    ],
    [
      "Apache RewriteMap prg:",
      APACHE_TEMPLATE,
      {
        "apache.conf.template":
          "Listen ${ROOTLOAD_LISTEN}\nSSLCertificateFile ${ROOTLOAD_CERT}\nSSLCertificateKeyFile ${ROOTLOAD_KEY}\nSSLCACertificateFile ${ROOTLOAD_CA_FILE}\nRewriteMap m prg:/bin/cat\n",
      },
      /:5: .*makes apache run a program/,
    ],
    [
      "stunnel exec",
      STUNNEL_TEMPLATE,
      {
        "stunnel.conf.template":
          "[svc]\naccept = ${ROOTLOAD_LISTEN}\ncert = ${ROOTLOAD_CERT}\nCAfile = ${ROOTLOAD_CA_FILE}\nverify = 2\nExec = /bin/sh\n",
      },
      /:6: .*makes stunnel run a program/,
    ],
    [
      "nginx perl",
      NGINX_TEMPLATE,
      { "nginx.conf.template": `${NGINX_OK("listen ${ROOTLOAD_LISTEN} ssl;")}perl_require x.pm;\n` },
      /:11: "perl_require x\.pm;" makes nginx run a program/,
    ],
  ];
  it.each(cases)("%s: refused without allowCommands, rendered with it", (_, rules, files, pattern) => {
    const tpl = template("cmd", files);
    expect(refusal(() => renderTemplate(tpl, rules, values))).toMatch(pattern);
    expect(() => renderTemplate(tpl, rules, values, CHECK_ONLY, { allowCommands: true })).not.toThrow();
  });

  it("a run refuses a HAProxy program before anything is written; allowed, the program never sees the PKCS#12 password", async () => {
    const tpl = template("program", { "haproxy.cfg.template": HAPROXY_PROGRAM });
    const pki = makeUserPki();
    const p12 = exportPkcs12(pki, "ROOTLOAD_TEST_P12_SECRET", "s3cret-do-not-leak");
    const identity = { pkcs12: p12, passwordEnv: "ROOTLOAD_TEST_P12_SECRET", issuer: pki.file("ca.pem") };
    const env = { ROOTLOAD_TEST_P12_SECRET: "s3cret-do-not-leak" };

    const refused = await writeScenario(tiny([{ driver: "haproxy", config: tpl }], { identity }), "program");
    const r = await runCli(["run", refused.file, "--out", refused.out, "--quiet"], 120_000, env);
    expect(r.code, r.stderr.slice(-600)).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/program spy.*allowCommands: true/);
    expect(existsSync(refused.out) ? readdirSync(refused.out) : []).toEqual([]);

    // With allowCommands the program runs (HAProxy master-worker), with the server's environment:
    // it writes that environment beside the CA file rendered into the server's folder.
    const allowed = await writeScenario(
      tiny([{ driver: "haproxy", config: tpl, allowCommands: true }], { identity }),
      "program-ok",
    );
    const ok = await runCli(["run", allowed.file, "--out", allowed.out, "--quiet"], 240_000, env);
    expect([0, 1], ok.stderr.slice(-600)).toContain(ok.code);
    const seen = readFileSync(envDump, "utf8");
    expect(seen).toMatch(/^PATH=/m);
    expect(seen).not.toContain("ROOTLOAD_TEST_P12_SECRET");
    expect(seen).not.toContain("s3cret-do-not-leak");
  }, 300_000);
});
