import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../../harness/errors.ts";
import {
  APACHE_TEMPLATE,
  HAPROXY_TEMPLATE,
  NGINX_TEMPLATE,
  STUNNEL_TEMPLATE,
} from "../../../../harness/servers/templates/product-rules.ts";
import {
  type Placeholder,
  renderTemplate,
  templateError,
} from "../../../../harness/servers/templates/render-template.ts";
import { repoRoot } from "../../../support/repo-root.ts";

const values: Record<Placeholder, string> = {
  ROOTLOAD_LISTEN: "127.0.0.1:8443",
  ROOTLOAD_PORT: "8443",
  ROOTLOAD_CERT: "/srv/d/server.crt",
  ROOTLOAD_KEY: "/srv/d/server.key",
  ROOTLOAD_CA_FILE: "/srv/d/store.pem",
  ROOTLOAD_CA_ADVERTISED_FILE: "/srv/d/advertise.pem",
  ROOTLOAD_CA_VERIFY_FILE: "/srv/d/store.pem",
};
const fixtures = path.join(repoRoot, "test/fixtures/templates");

function template(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rootload-tpl-"));
  for (const [n, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    writeFileSync(path.join(dir, n), t);
  }
  return path.join(dir, Object.keys(files)[0]!);
}

const TLS_APACHE =
  "SSLCertificateFile ${ROOTLOAD_CERT}\nSSLCertificateKeyFile ${ROOTLOAD_KEY}\nSSLCACertificateFile ${ROOTLOAD_CA_FILE}\n";

const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("no error");
};

describe("config templates", () => {
  it("renders nginx with its include, keeps line numbers, overrides only top-level daemon/pid/user/error_log", () => {
    const main = path.join(fixtures, "nginx/nginx.conf.template");
    const r = renderTemplate(main, NGINX_TEMPLATE, values);
    expect(Object.keys(r.files).sort()).toEqual(["nginx.conf", "snippets/mtls.conf"]);
    expect(r.sources["snippets/mtls.conf"]).toBe(path.join(fixtures, "nginx/snippets/mtls.conf"));
    const conf = r.files["nginx.conf"]!.split("\n");
    expect(conf.length).toBe(r.files["nginx.conf"]!.split("\n").length);
    expect(conf[2]).toBe(
      "# rootload overrides: user www-data; (the server runs as the user rootload runs as)",
    );
    expect(conf[3]).toMatch(/^# rootload overrides: worker_processes auto; /);
    expect(conf.filter((l) => l.includes("listen 127.0.0.1:8443 ssl;"))).toHaveLength(2);
    // nginx's own $variables pass through.
    expect(r.files["nginx.conf"]).toContain('return 200 "api $ssl_client_s_dn\\n";');
    expect(r.files["snippets/mtls.conf"]).toContain("ssl_client_certificate /srv/d/store.pem;");
    expect(r.files["snippets/mtls.conf"]).toContain("ssl_certificate_key /srv/d/server.key;");
    expect([...r.used].sort()).toEqual([
      "ROOTLOAD_CA_FILE",
      "ROOTLOAD_CERT",
      "ROOTLOAD_KEY",
      "ROOTLOAD_LISTEN",
    ]);
  });

  it("overrides HAProxy's global daemon/pidfile/user/group/chroot/stats socket, not the same words elsewhere", () => {
    const r = renderTemplate(path.join(fixtures, "haproxy/haproxy.cfg.template"), HAPROXY_TEMPLATE, values);
    const cfg = r.files["haproxy.cfg"]!;
    for (const d of ["chroot", "stats socket", "user haproxy", "group haproxy", "daemon"])
      expect(cfg).toMatch(new RegExp(`# rootload overrides: ${d}`));
    expect(cfg).toContain(
      "bind 127.0.0.1:8443 ssl crt /srv/d/server.crt ca-file /srv/d/store.pem verify required",
    );
    expect(cfg).toContain("log /dev/log local0");
  });

  it("HAProxy split over several -f files: rendered in order, placeholders required across them, errors per file", () => {
    const split = ["global", "frontends"].map((f) => path.join(fixtures, `haproxy/split/${f}.cfg.template`));
    const r = renderTemplate(split, HAPROXY_TEMPLATE, values);
    expect(r.mains).toEqual(["haproxy.cfg", "haproxy-2.cfg"]);
    expect(r.sources).toEqual({ "haproxy.cfg": split[0], "haproxy-2.cfg": split[1] });
    expect(r.files["haproxy.cfg"]).toContain("# rootload overrides: daemon");
    expect(r.files["haproxy-2.cfg"]).toContain("bind 127.0.0.1:8443 ssl crt /srv/d/server.crt");
    // The global file alone lacks every placeholder; together they have them all.
    expect(err(() => renderTemplate(split[0]!, HAPROXY_TEMPLATE, values))).toMatch(
      /global\.cfg\.template: missing required placeholder \$\{ROOTLOAD_LISTEN\}/,
    );
    const e = templateError(
      "haproxy",
      "[ALERT]    (1) : config : parsing [/srv/d/haproxy-2.cfg:3] : 'bind' : unknown keyword 'alpn-typo'.",
      HAPROXY_TEMPLATE,
      r.sources,
    );
    expect(e?.message).toBe(
      `${split[1]}:3: haproxy rejects the config: 'bind' : unknown keyword 'alpn-typo'.`,
    );
    // nginx has include: one file only.
    expect(err(() => renderTemplate(split, NGINX_TEMPLATE, values))).toMatch(/nginx takes one config file/);
  });

  it("stunnel: global settings before the first [service] are overridden, the same words in a service are not", () => {
    const r = renderTemplate(path.join(fixtures, "stunnel/stunnel.conf.template"), STUNNEL_TEMPLATE, values);
    const conf = r.files["stunnel.d/stunnel.conf"]!;
    for (const d of ["setuid", "setgid", "pid", "output", "debug", "foreground"])
      expect(conf).toMatch(new RegExp(`^# rootload overrides: ${d} =`, "m"));
    expect(conf).toContain("accept = 127.0.0.1:8443");
    expect(conf).toContain("CAfile = /srv/d/store.pem");
    const inService = renderTemplate(
      template({
        "s.conf":
          "[svc]\naccept = ${ROOTLOAD_LISTEN}\ncert = ${ROOTLOAD_CERT}\nCAfile = ${ROOTLOAD_CA_FILE}\ndebug = 7\n; pid = ${ROOTLOAD_NOPE}\n",
      }),
      STUNNEL_TEMPLATE,
      values,
    );
    // A service-level debug stays; a ";" comment is not read for placeholders.
    expect(inService.files["stunnel.d/stunnel.conf"]).toContain("\ndebug = 7\n");
    expect(
      templateError(
        "stunnel",
        '[!] /srv/d/stunnel.d/stunnel.conf:19: "verifyChian = yes": Specified option name is not valid here\n[!] /srv/d/stunnel.conf:6: "include = /srv/d/stunnel.d": Failed to include a file',
        STUNNEL_TEMPLATE,
        { "stunnel.d/stunnel.conf": "/home/me/stunnel.conf.template" },
      )?.message,
    ).toBe(
      '/home/me/stunnel.conf.template:19: stunnel rejects the config: "verifyChian = yes": Specified option name is not valid here',
    );
  });

  it("Apache: every Listen and VirtualHost uses the placeholder; PidFile, ErrorLog, LogLevel are overridden", () => {
    const r = renderTemplate(path.join(fixtures, "apache/apache.conf.template"), APACHE_TEMPLATE, values);
    const conf = r.files["apache.conf"]!;
    expect(conf).toContain("Listen 127.0.0.1:8443");
    expect(conf).toContain("<VirtualHost 127.0.0.1:8443>");
    expect(conf).toContain(
      "# rootload overrides: LogLevel warn (readiness and reloads are read from notice-level lines)",
    );
    expect(conf).toContain("User www-data");
    // Another Listen and its virtual host move together to one port of rootload's; logs and the
    // session cache go to the state folder; piped logs are left as they are.
    const other = template({
      "a.conf":
        'Listen ${ROOTLOAD_LISTEN}\nListen 80\n<VirtualHost *:80>\n  CustomLog "/var/log/site/a.log" common\n  TransferLog "|/bin/cat"\n</VirtualHost>\nListen [::]:81 http\nSSLSessionCache shmcb:/run/apache2/c(512000)\n' +
        TLS_APACHE,
    });
    const moved = renderTemplate(other, APACHE_TEMPLATE, values, {
      ports: [9001, 9002],
      state: (n) => `/st/${n}`,
    });
    expect(moved.extraListeners).toBe(2);
    expect(moved.files["apache.conf"]!.split("\n").slice(0, 8)).toEqual([
      "Listen 127.0.0.1:8443",
      "Listen 127.0.0.1:9001",
      "<VirtualHost 127.0.0.1:9001>",
      "  CustomLog /st/access.log common",
      '  TransferLog "|/bin/cat"',
      "</VirtualHost>",
      "Listen 127.0.0.1:9002 http",
      "SSLSessionCache shmcb:/st/ssl_scache(512000)",
    ]);
  });

  it("names file and line of an unknown placeholder, a listener without one, a missing include", () => {
    const unknown = template({
      "n.conf": "events {}\nhttp {\n  ssl_certificate ${ROOTLOAD_CERTIFICATE};\n}\n",
    });
    expect(err(() => renderTemplate(unknown, NGINX_TEMPLATE, values))).toMatch(
      new RegExp(
        `^${unknown}:3: unknown placeholder \\$\\{ROOTLOAD_CERTIFICATE\\} \\(known: \\$\\{ROOTLOAD_LISTEN\\}`,
      ),
    );
    // A listener without the placeholder moves to a port of rootload's on 127.0.0.1 (it never
    // binds what the deployment binds); logs and temp folders go to the state folder.
    const fixed = template({
      "n.conf":
        "http { server { listen ${ROOTLOAD_LISTEN} ssl; ssl_certificate ${ROOTLOAD_CERT}; ssl_certificate_key ${ROOTLOAD_KEY}; ssl_client_certificate ${ROOTLOAD_CA_FILE};\n listen 443 ssl;\n listen [::]:80 ipv6only=on default_server;\n access_log /var/log/x.log main;\n access_log off;\n error_log /var/log/e.log warn;\n proxy_temp_path /var/cache/p 1 2;\n} }\n",
    });
    const r = renderTemplate(fixed, NGINX_TEMPLATE, values, {
      ports: [9001, 9002],
      state: (n) => `/st/${n}`,
    });
    expect(r.extraListeners).toBe(2);
    expect(r.files["nginx.conf"]!.split("\n").slice(1, 7)).toEqual([
      " listen 127.0.0.1:9001 ssl;",
      " listen 127.0.0.1:9002 default_server;",
      " access_log /st/access.log main;",
      " access_log off;",
      " error_log stderr warn;",
      " proxy_temp_path /st/proxy_temp_path 1 2;",
    ]);
    const inc = template({ "n.conf": "http {\n  include conf.d/tls.conf;\n}\n" });
    expect(err(() => renderTemplate(inc, NGINX_TEMPLATE, values))).toBe(
      `${inc}:2: included file conf.d/tls.conf not found beside the template (${path.join(path.dirname(inc), "conf.d/tls.conf")})`,
    );
    // Placeholders in comments are not checked.
    const commented = template({
      "h.cfg":
        "# ${ROOTLOAD_NOPE}\nfrontend f\n  bind ${ROOTLOAD_LISTEN} ssl crt ${ROOTLOAD_CERT} ca-file ${ROOTLOAD_CA_FILE}\n",
    });
    expect(() => renderTemplate(commented, HAPROXY_TEMPLATE, values)).not.toThrow();
  });

  it("a template without a required placeholder is refused, naming it", () => {
    const noCa = template({ "h.cfg": "frontend f\n  bind ${ROOTLOAD_LISTEN} ssl crt ${ROOTLOAD_CERT}\n" });
    expect(err(() => renderTemplate(noCa, HAPROXY_TEMPLATE, values))).toBe(
      `${noCa}: missing required placeholder \${ROOTLOAD_CA_FILE} or \${ROOTLOAD_CA_ADVERTISED_FILE} (CA bundle of this step)`,
    );
  });

  it("expands globbed includes, in name order", () => {
    const main = template({
      "n.conf": "http {\n  include sites/*.conf;\n}\n",
      "sites/b.conf": "server { listen ${ROOTLOAD_LISTEN} ssl; }\n",
      "sites/a.conf":
        "ssl_certificate ${ROOTLOAD_CERT}; ssl_certificate_key ${ROOTLOAD_KEY}; ssl_client_certificate ${ROOTLOAD_CA_FILE};\n",
    });
    expect(Object.keys(renderTemplate(main, NGINX_TEMPLATE, values).files)).toEqual([
      "n.conf".replace("n.conf", "nginx.conf"),
      "sites/a.conf",
      "sites/b.conf",
    ]);
  });

  it("points the server's complaint at the template file and line", () => {
    const sources = {
      "nginx.conf": "/home/me/deploy/nginx.conf.template",
      "snippets/mtls.conf": "/home/me/deploy/snippets/mtls.conf",
    };
    const nginx =
      'nginx: [emerg] unknown directive "ssl_verify_clients" in /tmp/rootload-nginx-Ab12/snippets/mtls.conf:5\nnginx: configuration file /tmp/x/nginx.conf test failed';
    expect(templateError("nginx", nginx, NGINX_TEMPLATE, sources)?.message).toBe(
      '/home/me/deploy/snippets/mtls.conf:5: nginx rejects the config: unknown directive "ssl_verify_clients"',
    );
    const haproxy =
      "[ALERT]    (12) : config : parsing [/tmp/rootload-haproxy-x/haproxy.cfg:21] : 'bind 127.0.0.1:1' unknown keyword 'verfy'.";
    expect(
      templateError("haproxy", haproxy, HAPROXY_TEMPLATE, { "haproxy.cfg": "/h/haproxy.cfg.template" })
        ?.message,
    ).toBe(
      "/h/haproxy.cfg.template:21: haproxy rejects the config: 'bind 127.0.0.1:1' unknown keyword 'verfy'.",
    );
    expect(templateError("nginx", "image not found", NGINX_TEMPLATE, sources)).toBeUndefined();
    const apache =
      "AH00526: Syntax error on line 31 of /tmp/rootload-apache-Q/apache.conf:\nInvalid command 'SSLVerifyClients', perhaps misspelled or defined by a module not included in the server configuration";
    expect(
      templateError("apache", apache, APACHE_TEMPLATE, { "apache.conf": "/a/apache.conf.template" })?.message,
    ).toBe(
      "/a/apache.conf.template:31: apache rejects the config: Invalid command 'SSLVerifyClients', perhaps misspelled or defined by a module not included in the server configuration",
    );
  });

  it("a complaint without file and line that names a path points at the template line naming it", () => {
    const tpl = template({
      "n.conf": "http {\n  # /etc/ssl/x.pem in a comment does not count\n  ssl_dhparam /etc/ssl/x.pem;\n}\n",
    });
    expect(
      templateError(
        "nginx",
        'nginx: [emerg] BIO_new_file("/etc/ssl/x.pem") failed (SSL: error:80000002:system library::No such file or directory)',
        NGINX_TEMPLATE,
        { "nginx.conf": tpl },
      )?.message,
    ).toBe(
      `${tpl}:3: nginx cannot use /etc/ssl/x.pem: BIO_new_file("/etc/ssl/x.pem") failed (SSL: error:80000002:system library::No such file or directory)`,
    );
    // No line and no path of the template's: the main file, the server's words (still exit 2).
    expect(
      templateError("nginx", 'nginx: [emerg] open() "/elsewhere" failed', NGINX_TEMPLATE, {
        "nginx.conf": tpl,
      })?.message,
    ).toBe(`${tpl}: nginx rejects the config: open() "/elsewhere" failed`);
    // A port another process took is not the config's doing.
    expect(
      templateError(
        "nginx",
        "nginx: [emerg] bind() to 127.0.0.1:9 failed (98: Address already in use)",
        NGINX_TEMPLATE,
        { "nginx.conf": tpl },
      ),
    ).toBeUndefined();
  });
});
