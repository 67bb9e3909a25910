import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadCaSource } from "../../harness/check/ca-source.ts";
import { makeUserPki, type UserPki } from "./user-pki.ts";

/**
 * Realistic configs whose advertised list is the whole 2025 Microsoft list (55 KB: Java refuses)
 * while the enterprise CA that issued the clients' certificates is trusted but not advertised
 * (Go and Java find no certificate to send): nginx advertises ssl_client_certificate and trusts
 * ssl_trusted_certificate too, Apache advertises SSLCADNRequestFile, HAProxy its ca-file. Paths
 * are relative where admins write them so.
 */
export interface FixFixture {
  dir: string;
  pki: UserPki;
  main: string;
}

function base(prefix: string): { dir: string; pki: UserPki } {
  const dir = mkdtempSync(path.join(tmpdir(), `rootload-fix-${prefix}-`));
  const pki = makeUserPki();
  mkdirSync(path.join(dir, "ca"), { recursive: true });
  const ms = loadCaSource("microsoft:2025-06-16");
  writeFileSync(path.join(dir, "ca/microsoft-2025.pem"), ms.map((e) => e.toPem()).join(""));
  writeFileSync(path.join(dir, "ca/enterprise.pem"), pki.caPem);
  return { dir, pki };
}

export function nginxFixture(): FixFixture {
  const { dir, pki } = base("nginx");
  mkdirSync(path.join(dir, "snippets"));
  writeFileSync(
    path.join(dir, "nginx.conf"),
    `user www-data;
worker_processes auto;
pid /run/nginx.pid;
events { worker_connections 64; }
http {
    server {
        listen 127.0.0.1:8443 ssl;
        server_name partners.example.internal;
        ssl_certificate ${pki.file("server.pem")};
        ssl_certificate_key ${pki.file("server.key")};
        ssl_protocols TLSv1.2 TLSv1.3;
        include snippets/mtls.conf;
        location / { return 200 "ok\\n"; }
    }
}
`,
  );
  writeFileSync(
    path.join(dir, "snippets/mtls.conf"),
    `# client certificates: the Windows root list, plus our own CA for the build agents
ssl_verify_client on;
ssl_verify_depth 3;
ssl_client_certificate ca/microsoft-2025.pem;
ssl_trusted_certificate ca/enterprise.pem;
`,
  );
  return { dir, pki, main: path.join(dir, "nginx.conf") };
}

export function apacheFixture(): FixFixture {
  const { dir, pki } = base("apache");
  writeFileSync(
    path.join(dir, "ca/all-clients.pem"),
    [path.join(dir, "ca/microsoft-2025.pem"), path.join(dir, "ca/enterprise.pem")]
      .map((f) => require_(f))
      .join(""),
  );
  writeFileSync(
    path.join(dir, "apache2.conf"),
    `ServerName partners.example.internal
PidFile /var/run/apache2/apache2.pid
ErrorLog /var/log/apache2/error.log
LogLevel warn
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule socache_shmcb_module /usr/lib/apache2/modules/mod_socache_shmcb.so
LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
StartServers 1
ServerLimit 2
ThreadsPerChild 8
MaxRequestWorkers 16
Listen 127.0.0.1:8443
SSLProtocol -all +TLSv1.2 +TLSv1.3
SSLSessionCache none
<VirtualHost 127.0.0.1:8443>
    SSLEngine on
    SSLCertificateFile ${pki.file("server.pem")}
    SSLCertificateKeyFile ${pki.file("server.key")}
    SSLCACertificateFile ca/all-clients.pem
    SSLCADNRequestFile ca/microsoft-2025.pem
    SSLVerifyClient require
    SSLVerifyDepth 3
</VirtualHost>
`,
  );
  return { dir, pki, main: path.join(dir, "apache2.conf") };
}

export function haproxyFixture(): FixFixture {
  const { dir, pki } = base("haproxy");
  writeFileSync(
    path.join(dir, "ca/all-clients.pem"),
    [path.join(dir, "ca/microsoft-2025.pem"), path.join(dir, "ca/enterprise.pem")]
      .map((f) => require_(f))
      .join(""),
  );
  writeFileSync(
    path.join(dir, "server-bundle.pem"),
    require_(pki.file("server.pem")) + require_(pki.file("server.key")),
  );
  writeFileSync(
    path.join(dir, "haproxy.cfg"),
    `global
    log /dev/log local0
    daemon
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend partners
    bind 127.0.0.1:8443 ssl crt server-bundle.pem ca-file ca/microsoft-2025.pem ca-verify-file ca/enterprise.pem verify required
    http-request return status 200 content-type text/plain string ok
`,
  );
  return { dir, pki, main: path.join(dir, "haproxy.cfg") };
}

const require_ = (f: string) => readFileSync(f, "utf8");

export function stunnelFixture(): FixFixture {
  const { dir, pki } = base("stunnel");
  writeFileSync(
    path.join(dir, "server-bundle.pem"),
    readFileSync(pki.file("server.pem"), "utf8") + readFileSync(pki.file("server.key"), "utf8"),
  );
  writeFileSync(
    path.join(dir, "stunnel.conf"),
    `; partner API behind stunnel (Debian layout)
setuid = stunnel4
setgid = stunnel4
pid = /var/run/stunnel4/stunnel.pid
foreground = no

[partner-api]
accept = 127.0.0.1:8443
exec = /bin/cat
cert = server-bundle.pem
CAfile = ca/microsoft-2025.pem
config = VerifyCAFile:ca/enterprise.pem
verifyChain = yes
requireCert = yes
sslVersionMin = TLSv1.2
`,
  );
  return { dir, pki, main: path.join(dir, "stunnel.conf") };
}

export function lighttpdFixture(): FixFixture {
  const { dir, pki } = base("lighttpd");
  writeFileSync(
    path.join(dir, "ca/all-clients.pem"),
    readFileSync(path.join(dir, "ca/microsoft-2025.pem"), "utf8") + pki.caPem,
  );
  writeFileSync(
    path.join(dir, "server-bundle.pem"),
    readFileSync(pki.file("server.pem"), "utf8") + readFileSync(pki.file("server.key"), "utf8"),
  );
  writeFileSync(
    path.join(dir, "lighttpd.conf"),
    `server.modules += ( "mod_openssl" )
server.document-root = "/var/www/html"
server.port = 8443
ssl.engine = "enable"
ssl.pemfile = "server-bundle.pem"
ssl.ca-file = "ca/all-clients.pem"
ssl.ca-dn-file = "ca/microsoft-2025.pem"
ssl.verifyclient.activate = "enable"
ssl.verifyclient.enforce = "enable"
`,
  );
  return { dir, pki, main: path.join(dir, "lighttpd.conf") };
}
