import type { Capabilities, Capability, DriverDefinition, RenderContext } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { OPENSSL_LEGACY, OPENSSL_LIMITS, protocolRange } from "../protocols.ts";

/** lighttpd's TLS modules (Debian: lighttpd-mod-*, ~70 KB each), one driver per library. */
export type LighttpdTls = "openssl" | "mbedtls" | "wolfssl";

function render(ctx: RenderContext, tls: LighttpdTls): string {
  const { config, plan, file } = ctx;
  const { min, max } = protocolRange(config);
  const q = (s: string) => `"${s}"`;
  const conf: string[] = [
    `ssl.engine = "enable"`,
    // With the chain in the file lighttpd does not try to build it from ssl.ca-file (mod_openssl
    // fails every handshake with "building cert chain ... cert cb error" when it cannot).
    `ssl.pemfile = ${q(file("server-chain.pem"))}`,
    `ssl.privkey = ${q(file("server.key"))}`,
    `ssl.ca-file = ${q(file(ISSUER_FILES.verify))}`,
    `ssl.verifyclient.activate = "enable"`,
    `ssl.verifyclient.enforce = ${q(config.clientAuth === "require" ? "enable" : "disable")}`,
    `ssl.verifyclient.depth = 3`,
  ];
  // ssl.ca-dn-file: the names the CertificateRequest lists, apart from ssl.ca-file (the trust store).
  if (plan.mode !== "none") conf.push(`ssl.ca-dn-file = ${q(file(ISSUER_FILES.advertise))}`);
  const cmds: [string, string][] = [
    ["MinProtocol", min],
    ["MaxProtocol", max],
  ];
  if (plan.mode === "none") cmds.push(["Options", "-CANames"]);
  if (config.legacyCompat) cmds.push(["CipherString", "DEFAULT:AES128-SHA:AES256-SHA:@SECLEVEL=0"]);
  conf.push(`ssl.openssl.ssl-conf-cmd = (${cmds.map(([k, v]) => `${q(k)} => ${q(v)}`).join(", ")})`);
  return `# rendered by rootload
server.modules = ("mod_${tls}")
server.document-root = ${q(file("www"))}
server.bind = ${q(ctx.listenHost)}
server.port = ${ctx.listenPort}
server.pid-file = ${q(ctx.state("lighttpd.pid"))}
index-file.names = ("index.txt")
mimetype.assign = (".txt" => "text/plain")
${conf.join("\n")}
`;
}

/** In the foreground; the document root (www/index.txt, answering the client's GET) is a rendered input. */
function argv(ctx: RenderContext): string[] {
  return ["lighttpd", "-D", "-f", ctx.file("lighttpd.conf")];
}

interface Variant {
  name: "lighttpd" | "lighttpd-mbedtls" | "lighttpd-wolfssl";
  tls: LighttpdTls;
  library: Record<string, string>;
  capabilities: Capabilities;
  limits: DriverDefinition["limits"];
  legacy: Capability;
  notes: string[];
}

/**
 * With ssl.verifyclient.enforce disabled lighttpd completes the handshake for a certificate that
 * failed verification and only records SSL_CLIENT_VERIFY=FAILED for the application (measured:
 * the stranger gets its 200).
 */
const NO_OPTIONAL = {
  supported: false,
  how: "(enforce disabled lets a certificate that failed verification through; only SSL_CLIENT_VERIFY says so)",
};
/**
 * lighttpd's verify callback also refuses a client whose issuer is not in ssl.ca-dn-file
 * (measured: the unadvertised but trusted issuer is rejected), so a subset restricts, not only
 * advertises.
 */
const NO_SUBSET = {
  supported: false,
  how: "(ssl.ca-dn-file also restricts which issuers are accepted, not only what is advertised)",
};

function lighttpdDriver(v: Variant) {
  return defineDriver({
    name: v.name,
    binary: { name: "lighttpd", pkg: `lighttpd-mod-${v.tls}` },
    packages: { lighttpd: "lighttpd", [`mod_${v.tls}`]: `lighttpd-mod-${v.tls}`, ...v.library },
    capabilities: v.capabilities,
    limits: v.limits,
    legacy: v.legacy,
    optionalClientAuth: NO_OPTIONAL,
    notes: v.notes,
    ready: /server started/,
    // Loading the CA files grows faster than the list: 2,000 names took 8.5 to 12.5 s to "server
    // started" on the 2-core host at load 21 (500: 1.7 s), 28 s in a container, over 60 s once.
    readyTimeoutMs: 90_000,
    reload: { kind: "restart" },
    render: (ctx) => ({
      files: {
        "lighttpd.conf": render(ctx, v.tls),
        "server-chain.pem": ctx.config.pki.server.certPem + ctx.config.pki.serverCa.certPem,
        "www/index.txt": "ok\n",
      },
      argv: argv(ctx),
    }),
  });
}

const both = (c: Capability) => ({ "1.2": c, "1.3": c });

export const lighttpdOpensslDriver = lighttpdDriver({
  name: "lighttpd",
  tls: "openssl",
  library: { openssl: "libssl3" },
  capabilities: {
    all: both({ supported: true, how: "(ssl.ca-file)" }),
    none: {
      "1.2": { supported: true, how: "(ssl.openssl.ssl-conf-cmd Options -CANames)" },
      "1.3": {
        supported: true,
        how: "(Options -CANames), but sends an empty certificate_authorities extension",
      },
    },
    "truncate-bytes": both(NO_SUBSET),
    explicit: both(NO_SUBSET),
  },
  limits: OPENSSL_LIMITS,
  legacy: OPENSSL_LEGACY,
  notes: ["Keeps file order. Reload = restart."],
});

const NO_TLS13 = { supported: false, how: "(mbedTLS 2.28 has no TLS 1.3 server)" };
const NO_NAMES = { supported: false, how: "(wolfSSL 5.5.4 sends no CA names whatever is configured)" };

export const lighttpdMbedtlsDriver = lighttpdDriver({
  name: "lighttpd-mbedtls",
  tls: "mbedtls",
  library: { mbedtls: "libmbedtls14" },
  capabilities: {
    all: { "1.2": { supported: true, how: "(ssl.ca-file), up to its buffer (see limits)" }, "1.3": NO_TLS13 },
    none: {
      "1.2": {
        supported: false,
        how: "(Options -CANames is not passed to mbedTLS: every name still goes out)",
      },
      "1.3": NO_TLS13,
    },
    "truncate-bytes": { "1.2": NO_SUBSET, "1.3": NO_TLS13 },
    explicit: { "1.2": NO_SUBSET, "1.3": NO_TLS13 },
  },
  limits: {
    "1.2":
      "truncates silently: only the names that fit its 16,384-byte output buffer go out (16,357 B: all 128 names; 16,370 B: 128 of 129 names, 16,299 B); the handshake goes on",
    "1.3": "no TLS 1.3 server in mbedTLS 2.28",
  },
  legacy: { supported: false, how: "(a TLS 1.0 RSA-key-exchange client is refused)" },
  notes: ["Truncates like Schannel, but to its record buffer (≈ 16,357 B of names) and with no log line."],
});

export const lighttpdWolfsslDriver = lighttpdDriver({
  name: "lighttpd-wolfssl",
  tls: "wolfssl",
  library: { wolfssl: "libwolfssl35" },
  capabilities: {
    all: both(NO_NAMES),
    none: {
      "1.2": { supported: true, how: "(always: an empty certificate_authorities list)" },
      "1.3": { supported: true, how: "(always: extension omitted)" },
    },
    "truncate-bytes": both(NO_NAMES),
    explicit: both(NO_NAMES),
  },
  limits: {
    "1.2": "no names at any size (empty list); nothing to overflow",
    "1.3": "no names at any size (extension omitted); nothing to overflow",
  },
  legacy: { supported: false, how: "(a TLS 1.0 RSA-key-exchange client is refused)" },
  notes: ["wolfSSL 5.5.4 as Debian builds it never lists CA names: selecting clients offer any certificate."],
});
