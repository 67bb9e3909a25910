import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check } from "../../../harness/check/check.ts";
import type { ServerStack } from "../../../harness/check/limits.ts";
import { opensslSortedOrder } from "../../../harness/check/openssl-name-order.ts";
import { readInput } from "../../../harness/check/read-input.ts";
import { checkText } from "../../../harness/check/render-text.ts";
import { InputError } from "../../../harness/errors.ts";
import { loadPem } from "../../../harness/roots/load-pem.ts";
import type { RootEntry } from "../../../harness/roots/root-store.ts";
import { microsoftRoots, rootstores } from "../../support/root-data.ts";

/** Real bundles: a 6-CA client bundle taken from the 2025 Microsoft roots, curl's whole cacert.pem. */
const CURL = path.join(rootstores, "curl/2025-07-15/cacert.pem");
let dir: string;
let clientCas: RootEntry[];
let curlCount: number;
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rootload-check-config-"));
  clientCas = microsoftRoots().slice(10, 16);
  write("pki/client-ca.pem", clientCas.map((e) => e.toPem()).join(""));
  write("pki/one-ca.pem", clientCas[2]!.toPem());
  curlCount = loadPem({ kind: "pem", path: CURL }).count;
});

const bytesOf = (es: readonly RootEntry[]) => es.reduce((n, e) => n + e.caNameBytes, 0);
const run = (file: string, server?: ServerStack) =>
  check(readInput(file, { server }), {
    servers: [readInput(file, { server }).server!],
    tls: ["1.2", "1.3"],
    clients: ["java", "go", "openssl", "gnutls"],
    issuerSubject: clientCas[3]!.subjectDer,
  });

describe("nginx", () => {
  it("a realistic config: client-CA bundle via an included snippet, ssl_trusted_certificate with the whole store → only the bundle is advertised", () => {
    write(
      "nginx/nginx.conf",
      `user www-data;
worker_processes auto;
events { worker_connections 768; }
http {
    sendfile on;
    # TLS defaults for every site
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    include conf.d/*.conf;
}
`,
    );
    write(
      "nginx/conf.d/00-default.conf",
      "server {\n  listen 80 default_server;\n  server_name _;\n  return 301 https://$host$request_uri;\n}\n",
    );
    write(
      "nginx/conf.d/api.conf",
      `server {
    listen 443 ssl http2;
    server_name api.example.com;
    ssl_certificate     /etc/ssl/api.crt;
    ssl_certificate_key /etc/ssl/api.key;
    include snippets/mtls.conf;
    ssl_trusted_certificate ${CURL};
    location / { proxy_pass http://127.0.0.1:8080; }
}
`,
    );
    write(
      "nginx/snippets/mtls.conf",
      `ssl_client_certificate "${path.join(dir, "pki/client-ca.pem")}";\nssl_verify_client on;\nssl_verify_depth 2;\n`,
    );
    const r = run(path.join(dir, "nginx/nginx.conf"));
    expect(r.setup.server).toBe("nginx");
    expect(r.setup.endpoint).toMatch(/server api\.example\.com \(listen 443\) at .*api\.conf:1/);
    expect(r.setup.tls).toEqual(["1.2", "1.3"]);
    expect(r.advertised.entries.length).toBe(6);
    expect(r.advertised.bytes).toBe(bytesOf(clientCas));
    expect(r.setup.verifyOnly.length).toBe(curlCount);
    expect(r.issuer![0]).toMatchObject({ advertised: true, position: 4 });
    expect(r.breaks).toBe(false);
    const text = checkText(r);
    expect(text).toMatch(/advertises 6 names/);
    expect(text).toMatch(new RegExp(`${curlCount} more trusted, not advertised`));
    expect(text).toMatch(/mtls\.conf:1 ssl_client_certificate/);
  });

  it("settings inherited from http; -CANames turns the names off (empty TLS 1.3 extension: gnutls refuses)", () => {
    const f = write(
      "nginx2/nginx.conf",
      `events {}
http {
  ssl_client_certificate ${CURL};
  ssl_verify_client optional;
  ssl_protocols TLSv1.3;
  ssl_conf_command Options -CANames;
  server { listen 443 ssl; server_name a.example; }
  server { listen 8443 ssl; server_name b.example; ssl_verify_client off; }
}
`,
    );
    const r = run(f);
    expect(r.setup.caNames).toBe("off-empty-extension");
    expect(r.setup.tls).toEqual(["1.3"]);
    expect(r.advertised.entries.length).toBe(0);
    expect(r.clients.find((c) => c.client === "gnutls")).toMatchObject({ tls: "1.3", verdict: "refuses" });
    // Measured (scenarios/kb2801679): JSSE and Go refuse the empty extension too; OpenSSL clients accept it.
    expect(r.clients.find((c) => c.client === "java")!.verdict).toBe("refuses");
    expect(r.clients.find((c) => c.client === "go")!.verdict).toBe("refuses");
    expect(r.clients.find((c) => c.client === "openssl")!.verdict).toBe("accepts");
  });

  it("several mTLS servers: the first is checked, the others named; --endpoint picks one", () => {
    const f = write(
      "nginx3/nginx.conf",
      `http {
  server { listen 443 ssl; server_name a.example; ssl_verify_client on; ssl_client_certificate ${CURL}; }
  server { listen 443 ssl; server_name b.example; ssl_verify_client on; ssl_client_certificate ${path.join(dir, "pki/one-ca.pem")}; }
}
`,
    );
    expect(readInput(f).notes.join()).toMatch(/1 more endpoint.*b\.example/);
    expect(readInput(f, { endpoint: "b.example" }).advertise.length).toBe(1);
    expect(() => readInput(f, { endpoint: "c.example" })).toThrow(/matches none of/);
  });

  it("bad input names the file and line: a missing include, a missing CA file, no ;", () => {
    const inc = write("bad1/nginx.conf", "http {\n  include missing/*.conf;\n  include nothere.conf;\n}\n");
    expect(() => readInput(inc)).toThrow(InputError);
    expect(() => readInput(inc)).toThrow(/nginx\.conf:3: include .*nothere\.conf: no such file/);
    const ca = write(
      "bad2/nginx.conf",
      "http { server {\n ssl_verify_client on;\n ssl_client_certificate /no/such.pem;\n} }\n",
    );
    expect(() => readInput(ca)).toThrow(
      /nginx\.conf:3 ssl_client_certificate: \/no\/such\.pem: no such file/,
    );
    const semi = write("bad3/nginx.conf", "http { server { ssl_verify_client on }\n}\n");
    expect(() => readInput(semi)).toThrow(/missing its ";"/);
  });
});

describe("Apache", () => {
  it("SSLCADNRequestFile is advertised, SSLCACertificateFile trusted; Include resolves from ServerRoot; sorted names", () => {
    write(
      "apache/sites/mtls.conf",
      `<VirtualHost *:443>
  ServerName mtls.example
  SSLEngine on
  SSLCACertificateFile ${CURL}
  SSLCADNRequestFile pki/client-ca.pem
  SSLVerifyClient require
  SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1
</VirtualHost>
`,
    );
    const f = write(
      "apache/apache2.conf",
      `ServerRoot ${dir}\nListen 443\nIncludeOptional apache/sites/*.conf\nIncludeOptional apache/none/*.conf\n`,
    );
    const r = run(f);
    expect(r.setup.server).toBe("apache");
    expect(r.setup.endpoint).toMatch(/^mtls\.example \(VirtualHost \*:443/);
    expect(r.advertised.entries.length).toBe(6);
    expect(r.setup.verifyOnly.length).toBe(curlCount);
    expect(r.setup.tls).toEqual(["1.2", "1.3"]);
    const sorted = opensslSortedOrder(clientCas);
    expect(r.issuer![0]).toMatchObject({ position: sorted.indexOf(clientCas[3]!) + 1, positionExact: false });
  });

  it("-CANames sends an empty TLS 1.3 extension; VerifyCAFile without SSLCACertificate* leaves it out", () => {
    const a = write(
      "apache2/a.conf",
      `SSLVerifyClient require\nSSLCACertificateFile ${CURL}\nSSLOpenSSLConfCmd Options -CANames\n`,
    );
    expect(readInput(a).caNames).toBe("off-empty-extension");
    const b = write("apache2/b.conf", `SSLVerifyClient require\nSSLOpenSSLConfCmd VerifyCAFile ${CURL}\n`);
    const rb = readInput(b);
    expect(rb.caNames).toBe("off-omitted");
    expect(rb.verifyOnly.length).toBe(curlCount);
  });
});

describe("HAProxy", () => {
  it("ca-file advertised, ca-verify-file trusted, ca-base prefix; no-ca-names leaves the extension out", () => {
    const f = write(
      "haproxy/haproxy.cfg",
      `global
    ca-base ${dir}/pki
    ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
    mode http
frontend public
    bind :80
    bind :443 ssl crt /etc/haproxy/site.pem ca-file client-ca.pem ca-verify-file ${CURL} verify required
frontend other
    bind :8443 ssl crt /etc/haproxy/site.pem ca-file client-ca.pem verify optional no-ca-names ssl-max-ver TLSv1.2
`,
    );
    const r = run(f);
    expect(r.setup.endpoint).toMatch(/frontend public bind :443/);
    expect(r.advertised.entries.length).toBe(6);
    expect(r.setup.verifyOnly.length).toBe(curlCount);
    const other = readInput(f, { endpoint: "8443" });
    expect(other.caNames).toBe("off-omitted");
    expect(other.tls).toEqual(["1.2"]);
  });
});

describe("stunnel", () => {
  it("CAfile advertised, config = VerifyCAFile trusted; DISABLE_TLSEXT_CA_NAMES; client sections skipped", () => {
    const f = write(
      "stunnel/stunnel.conf",
      `; stunnel for the database
pid = /run/stunnel.pid
[outbound]
client = yes
accept = 127.0.0.1:5000
connect = db:5432
CAfile = ${CURL}
verifyChain = yes
[db-mtls]
accept = 6432
connect = 127.0.0.1:5432
cert = /etc/stunnel/server.pem
CAfile = ${path.join(dir, "pki/client-ca.pem")}
config = VerifyCAFile:${CURL}
verifyChain = yes
requireCert = yes
sslVersionMin = TLSv1.3
`,
    );
    const r = run(f);
    expect(r.setup.endpoint).toMatch(/^\[db-mtls\]/);
    expect(r.advertised.entries.length).toBe(6);
    expect(r.setup.verifyOnly.length).toBe(curlCount);
    expect(r.setup.tls).toEqual(["1.3"]);
    writeFileSync(f, `[x]\naccept = 1\nCAfile = ${CURL}\nverify = 2\noptions = DISABLE_TLSEXT_CA_NAMES\n`);
    expect(readInput(f).caNames).toBe("off-empty-extension");
  });
});

describe("lighttpd", () => {
  it("ssl.ca-dn-file advertised over ssl.ca-file, inside a $SERVER socket block, with var. paths", () => {
    const f = write(
      "lighttpd/lighttpd.conf",
      `server.modules += ( "mod_openssl" )
var.pki = "${dir}/pki"
$SERVER["socket"] == ":443" {
    ssl.engine = "enable"
    ssl.pemfile = "/etc/lighttpd/server.pem"
    ssl.ca-file = "${CURL}"
    ssl.ca-dn-file = var.pki + "/client-ca.pem"
    ssl.verifyclient.activate = "enable"
}
`,
    );
    const r = run(f);
    expect(r.setup.server).toBe("lighttpd");
    expect(r.advertised.entries.length).toBe(6);
    expect(r.setup.verifyOnly.length).toBe(curlCount);
  });
});

describe("input detection", () => {
  it("a file that is neither a CA source nor a known config is bad input", () => {
    const f = write("other.txt", "hello world\n");
    expect(() => readInput(f)).toThrow(/neither a CA source/);
  });
});
