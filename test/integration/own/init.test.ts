import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../../harness/scenario/load-scenario.ts";
import { HAPROXY_TEMPLATE, NGINX_TEMPLATE } from "../../../harness/servers/templates/product-rules.ts";
import { renderTemplate } from "../../../harness/servers/templates/render-template.ts";
import { runCli } from "../../support/cli.ts";
import { repoRoot } from "../../support/repo-root.ts";

const fixtures = path.join(repoRoot, "test/fixtures/templates");
const values = {
  ROOTLOAD_LISTEN: "127.0.0.1:9",
  ROOTLOAD_PORT: "9",
  ROOTLOAD_CERT: "/c",
  ROOTLOAD_KEY: "/k",
  ROOTLOAD_CA_FILE: "/ca",
  ROOTLOAD_CA_ADVERTISED_FILE: "/adv",
  ROOTLOAD_CA_VERIFY_FILE: "/ver",
};

/** The client programs this machine has (provisioned: all of them); init must offer each. */
const onPath = (
  [
    ["java", "java"],
    ["go", "go"],
    ["openssl", "openssl"],
    ["curl", "curl"],
    ["python", "python3"],
    ["gnutls", "gnutls-cli"],
  ] as const
)
  .filter(([, program]) => spawnSync("sh", ["-c", `command -v ${program}`]).status === 0)
  .map(([client]) => client);

describe("rootload init", () => {
  it("--nginx turns a deployed config (with an include) into a template and a scenario that grows its CA bundle", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-init-"));
    const site = path.join(work, "site");
    mkdirSync(path.join(site, "snippets"), { recursive: true });
    // The fixture template with its placeholders put back to what a deployment has.
    writeFileSync(
      path.join(site, "nginx.conf"),
      readFileSync(path.join(fixtures, "nginx/nginx.conf.template"), "utf8").replaceAll(
        "${ROOTLOAD_LISTEN}",
        "443",
      ),
    );
    writeFileSync(
      path.join(site, "snippets/mtls.conf"),
      "ssl_certificate /etc/ssl/certs/site.pem;\nssl_certificate_key /etc/ssl/private/site.key;\n" +
        "ssl_client_certificate partners-ca.pem;\nssl_trusted_certificate all-ca.pem;\nssl_verify_client on;\n",
    );
    cpSync("/etc/ssl/certs/ca-certificates.crt", path.join(site, "partners-ca.pem"));
    const out = path.join(work, "rootload");
    const r = await runCli(["init", "--nginx", path.join(site, "nginx.conf"), "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `${path.join(site, "snippets/mtls.conf")}:3: advertised CAs → \${ROOTLOAD_CA_ADVERTISED_FILE}`,
    );
    expect(readFileSync(path.join(out, "snippets/mtls.conf"), "utf8")).toBe(
      "ssl_certificate ${ROOTLOAD_CERT};\nssl_certificate_key ${ROOTLOAD_KEY};\n" +
        "ssl_client_certificate ${ROOTLOAD_CA_ADVERTISED_FILE};\nssl_trusted_certificate ${ROOTLOAD_CA_VERIFY_FILE};\nssl_verify_client on;\n",
    );
    const rendered = renderTemplate(path.join(out, "nginx.conf.template"), NGINX_TEMPLATE, values);
    expect(rendered.files["nginx.conf"]!.match(/listen 127\.0\.0\.1:9 ssl;/g)).toHaveLength(2);
    const loaded = await loadScenario(path.join(out, "nginx.scenario.ts"));
    expect(loaded.scenario.servers[0]).toEqual({
      driver: "nginx",
      config: path.join(out, "nginx.conf.template"),
    });
    expect(loaded.scenario.roots?.source).toEqual({ kind: "pem", path: path.join(site, "partners-ca.pem") });
    // Never overwrites; nothing written then.
    const again = await runCli(["init", "--nginx", path.join(site, "nginx.conf"), "-o", out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists already; init never overwrites");
  });

  it("--haproxy and --endpoint; a config without client certificates is refused", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-init-"));
    const cfg = path.join(work, "haproxy.cfg");
    writeFileSync(
      cfg,
      readFileSync(path.join(fixtures, "haproxy/haproxy.cfg.template"), "utf8")
        .replace("${ROOTLOAD_LISTEN}", ":443")
        .replace("${ROOTLOAD_CERT}", "/etc/haproxy/site.pem")
        .replace("${ROOTLOAD_CA_FILE}", "/etc/haproxy/clients.pem"),
    );
    const r = await runCli(["init", "--haproxy", cfg, "-o", path.join(work, "h")]);
    expect(r.code, r.stderr).toBe(0);
    const tpl = readFileSync(path.join(work, "h/haproxy.cfg.template"), "utf8");
    expect(tpl).toContain(
      "bind ${ROOTLOAD_LISTEN} ssl crt ${ROOTLOAD_CERT} ca-file ${ROOTLOAD_CA_FILE} verify required",
    );
    expect(() =>
      renderTemplate(path.join(work, "h/haproxy.cfg.template"), HAPROXY_TEMPLATE, values),
    ).not.toThrow();
    expect((await loadScenario(path.join(work, "h/haproxy.scenario.ts"))).scenario.roots?.source).toEqual({
      kind: "system",
    });

    const e = await runCli(["init", "--endpoint", "staging.example.net:8443", "-o", path.join(work, "e")]);
    expect(e.code, e.stderr).toBe(0);
    const scn = (await loadScenario(path.join(work, "e/endpoint.scenario.ts"))).scenario;
    expect(scn.servers).toEqual([
      { driver: "endpoint", address: "staging.example.net:8443", tls: ["1.2", "1.3"] },
    ]);
    expect(scn.roots).toBeUndefined();
    // The clients that break first (Java, Go) and the others found on PATH, said on stdout.
    // containers/setup-host.sh provisions every one of them: none may be missing here.
    expect(onPath).toEqual(["java", "go", "openssl", "curl", "python", "gnutls"]);
    expect(scn.clients).toEqual(expect.arrayContaining(["node", ...onPath]));
    expect(e.stdout).toContain(`clients: ${scn.clients!.join(", ")}\n`);
    for (const c of onPath) expect(e.stdout).toMatch(new RegExp(`^  ${c}: \\S+ found on PATH \\(`, "m"));

    const plain = path.join(work, "plain.conf");
    writeFileSync(
      plain,
      "http {\n  server {\n    listen 443 ssl;\n    ssl_certificate a;\n    ssl_certificate_key b;\n  }\n}\n",
    );
    const p = await runCli(["init", "--nginx", plain, "-o", path.join(work, "p")]);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain(`rootload init: ${plain}: has no ssl_client_certificate`);
    expect(existsSync(path.join(work, "p"))).toBe(false);
  });

  it("--nginx keeps a plain-HTTP health server and its logs (moved at run time), refuses with nothing left behind", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-init-"));
    const conf = path.join(work, "nginx.conf");
    writeFileSync(
      conf,
      "events {}\nhttp {\n  access_log /var/log/nginx/access.log;\n  server {\n    listen 8080;\n    location /healthz { return 200; }\n  }\n" +
        "  server {\n    listen 443 ssl;\n    ssl_certificate /etc/ssl/site.pem;\n    ssl_certificate_key /etc/ssl/site.key;\n" +
        "    ssl_client_certificate /etc/ssl/clients.pem;\n    ssl_verify_client on;\n  }\n}\n",
    );
    const out = path.join(work, "out");
    const r = await runCli(["init", "--nginx", conf, "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const tpl = readFileSync(path.join(out, "nginx.conf.template"), "utf8");
    expect(tpl).toContain("    listen 8080;\n");
    expect(tpl).toContain("    listen ${ROOTLOAD_LISTEN} ssl;\n");
    // Refused (no client certificates asked for): no folder left behind, not even an empty one.
    writeFileSync(
      conf,
      readFileSync(conf, "utf8").replace("    ssl_client_certificate /etc/ssl/clients.pem;\n", ""),
    );
    const refused = await runCli(["init", "--nginx", conf, "-o", path.join(work, "nested/out")]);
    expect(refused.code).toBe(2);
    expect(existsSync(path.join(work, "nested"))).toBe(false);
  });
});
