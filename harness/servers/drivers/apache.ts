import { apachePath, checkedPath } from "../config-path.ts";
import { type RenderContext, signalFromPidFile } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import {
  enabledVersions,
  OPENSSL_LEGACY,
  OPENSSL_LIMITS,
  OPENSSL_NAME,
  opensslCiphers,
} from "../protocols.ts";

const MODULES = "/usr/lib/apache2/modules";

function render(ctx: RenderContext): string {
  const { config, plan } = ctx;
  const file = (n: string) => apachePath(ctx.file(n));
  const dir = apachePath(ctx.dir);
  const vhost: string[] = [
    "SSLEngine on",
    `SSLCertificateFile ${file("server.crt")}`,
    `SSLCertificateKeyFile ${file("server.key")}`,
    `SSLProtocol -all ${enabledVersions(config)
      .map((v) => `+${OPENSSL_NAME[v]}`)
      .join(" ")}`,
    `SSLVerifyClient ${config.clientAuth === "require" ? "require" : "optional"}`,
    "SSLVerifyDepth 3",
  ];
  const ciphers = opensslCiphers(config);
  if (ciphers) vhost.push(`SSLCipherSuite ${ciphers}`);
  if (plan.mode === "none") {
    // No SSLCACertificate*: mod_ssl then builds no client CA list at all, and OpenSSL's own
    // VerifyCAFile supplies the anchors. Unlike `Options -CANames` this also omits the TLS 1.3
    // extension instead of sending it empty.
    vhost.push(`SSLOpenSSLConfCmd VerifyCAFile ${file(ISSUER_FILES.verify)}`);
  } else {
    vhost.push(`SSLCACertificateFile ${file(ISSUER_FILES.verify)}`);
    // mod_ssl sorts the names it reads, so "prefix" means "the subset in this file".
    if (plan.mode === "subset") vhost.push(`SSLCADNRequestFile ${file(ISSUER_FILES.advertise)}`);
  }
  return `# rendered by rootload
ServerRoot /etc/apache2
ServerName localhost
Listen ${ctx.listenHost}:${ctx.listenPort}
PidFile ${apachePath(ctx.state("apache.pid"))}
DefaultRuntimeDir ${apachePath(ctx.state(""))}
Mutex "file:${checkedPath(ctx.state(""))}" default
# A piped logger: /dev/stderr cannot be opened when stderr is a socket (Node's child stdio).
ErrorLog "|/bin/cat"
LogLevel notice
User www-data
Group www-data
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule socache_shmcb_module ${MODULES}/mod_socache_shmcb.so
LoadModule ssl_module ${MODULES}/mod_ssl.so
StartServers 1
ServerLimit 4
ThreadsPerChild 8
MaxRequestWorkers 32
MinSpareThreads 1
MaxSpareThreads 16
SSLSessionCache none
DocumentRoot ${dir}
<Directory ${dir}>
  Require all granted
</Directory>
<VirtualHost ${ctx.listenHost}:${ctx.listenPort}>
  ${vhost.join("\n  ")}
</VirtualHost>
`;
}

const base = (ctx: RenderContext) => ["apache2", "-f", ctx.file("apache.conf")];

/** Apache httpd with mod_ssl; reload with a graceful restart (SIGUSR1 to the parent, what `apache2 -k graceful` sends). */
export const apacheDriver = defineDriver({
  name: "apache",
  binary: { name: "apache2", pkg: "apache2" },
  packages: { apache: "apache2", openssl: "libssl3" },
  capabilities: {
    all: {
      "1.2": { supported: true, how: "(names sorted, not in file order)" },
      "1.3": { supported: true, how: "(names sorted, not in file order)" },
    },
    none: {
      "1.2": { supported: true, how: "(no SSLCACertificate*, SSLOpenSSLConfCmd VerifyCAFile)" },
      "1.3": { supported: true, how: "(extension omitted)" },
    },
    "truncate-bytes": {
      "1.2": {
        supported: true,
        how: "as a subset (SSLCADNRequestFile; names sorted, so not a prefix on the wire)",
      },
      "1.3": { supported: true, how: "as a subset (SSLCADNRequestFile; names sorted)" },
    },
    explicit: {
      "1.2": { supported: true, how: "(SSLCADNRequestFile; sorted)" },
      "1.3": { supported: true, how: "(SSLCADNRequestFile; sorted)" },
    },
  },
  limits: OPENSSL_LIMITS,
  legacy: OPENSSL_LEGACY,
  notes: [
    "Sends names sorted, not in file order.",
    "An empty SSLCADNRequestFile is a startup error; an empty subset is rendered as policy none.",
  ],
  ready: /resuming normal operations/,
  version: { label: "apache", argv: ["apache2", "-v"], pattern: /Apache\/(\S+)/ },
  // As root the parent switches its children to www-data and signals them on reload.
  rootCapabilities: ["CHOWN", "SETUID", "SETGID", "KILL"],
  reload: {
    kind: "command",
    argv: (ctx) => signalFromPidFile("SIGUSR1", ctx.state("apache.pid")),
    done: /resuming normal operations/,
    failed: /AH00016|Syntax error|AH00526|Configuration Failed/,
    // A graceful restart is SIGUSR1 to the parent (sent through the engine in a user's image),
    // sent from its pid file: `apache2 -k graceful` reads the whole configuration and loads every
    // module first (measured on the apache growth series: 16 s of container CPU with it, 13 s without).
    signal: "SIGUSR1",
  },
  render: (ctx) => ({ files: { "apache.conf": render(ctx) }, argv: [...base(ctx), "-DFOREGROUND"] }),
});
