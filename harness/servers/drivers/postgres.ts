import { STATE_DIR } from "../../runtime/runtime.ts";
import type { RenderContext } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { OPENSSL_LEGACY, OPENSSL_LIMITS, opensslCiphers, protocolRange } from "../protocols.ts";

/** Debian 12's PostgreSQL; not on PATH (postgresql-common's wrappers pick a cluster, which we have none of). */
export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";
/** The database user the client certificate maps to (pg_ident), and the superuser initdb creates. */
export const POSTGRES_USER = "rootload";
export const POSTGRES_DATABASE = "postgres";
/**
 * Under the state folder: the copies of the inputs PostgreSQL reads, owned by the user it runs as
 * (it refuses a key it does not own, and cannot read the harness's 0600 files), and its data.
 */
const CONF_DIR = "pg-conf";
const DATA_DIR = "pgdata";
/** The inputs copied into CONF_DIR at each start: what the postgres process itself opens. */
const COPIED = [
  "postgresql.conf",
  "pg_hba.conf",
  "pg_ident.conf",
  "openssl.cnf",
  "server.crt",
  ISSUER_FILES.verify,
];

function postgresqlConf(ctx: RenderContext): string {
  const { config } = ctx;
  const file = (n: string) => ctx.state(`${CONF_DIR}/${n}`);
  const { min, max } = protocolRange(config);
  const ciphers = opensslCiphers(config);
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return `# rendered by rootload
data_directory = ${q(ctx.state(DATA_DIR))}
hba_file = ${q(file("pg_hba.conf"))}
ident_file = ${q(file("pg_ident.conf"))}
listen_addresses = ${q(ctx.listenHost)}
port = ${ctx.listenPort}
unix_socket_directories = ''
max_connections = 20
shared_buffers = 16MB
dynamic_shared_memory_type = mmap
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
log_connections = on
log_destination = 'stderr'
logging_collector = off
ssl = on
ssl_cert_file = ${q(file("server.crt"))}
ssl_key_file = ${q(file("pg-server.key"))}
ssl_ca_file = ${q(file(ISSUER_FILES.verify))}
ssl_min_protocol_version = ${q(min)}
ssl_max_protocol_version = ${q(max)}
${ciphers ? `ssl_ciphers = ${q(ciphers)}` : ""}
`;
}

/**
 * PostgreSQL builds its CertificateRequest list and its trust store from ssl_ca_file alone.
 * `none` comes from OpenSSL's own configuration (OPENSSL_CONF, read at library init, applied to
 * every SSL_CTX the server makes). A subset cannot be expressed: OpenSSL ignores certificate
 * commands such as VerifyCAFile in system_default (ssl_do_config drops SSL_CONF_FLAG_CERTIFICATE
 * there; checked: a client whose issuer is only in the verify file is refused).
 */
function opensslConf(ctx: RenderContext): string {
  const lines: string[] = [];
  if (ctx.plan.mode === "none") lines.push("Options = -CANames");
  return `# rendered by rootload
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
${lines.join("\n")}
`;
}

function hba(ctx: RenderContext): string {
  // clientAuth require: the `cert` method (implies clientcert=verify-full: a valid certificate
  // whose CN maps to the user). PostgreSQL's OpenSSL setup never sets FAIL_IF_NO_PEER_CERT, so
  // a client without a certificate completes TLS and is refused by this line after StartupMessage.
  const method = ctx.config.clientAuth === "require" ? `cert map=rootload` : "trust";
  return `# rendered by rootload
hostssl all all all ${method}
`;
}

/** Any certificate's CN (the harness's own client and stranger) maps to the rootload user. */
const IDENT = `# rendered by rootload
rootload /^(.*)$ ${POSTGRES_USER}
`;

/**
 * As root (the process runtime, or a container with CHOWN, SETUID and SETGID only) it prepares
 * the state folder for the postgres user and drops to it: PostgreSQL refuses to run as root and
 * wants its data directory and private key owned by its uid. The inputs stay read-only: the ones
 * the server opens are copied (umask 077, then chown: no chmod of another user's file, so no
 * FOWNER) into a root-owned folder it may only search. Everything the postgres user touches
 * (initdb's check, the stale lock) is done as that user: root has no DAC_OVERRIDE in a container.
 * initdb runs once per server directory (restarts reuse it). The runtime gave the folders down
 * to state/ search-only rights (LaunchSpec.dropsTo).
 */
const START_SCRIPT = `#!/bin/sh
set -e
umask 077
cd "$1"
S="$1/${STATE_DIR}"
AS=""
[ "$(id -u)" = 0 ] && AS="setpriv --reuid=postgres --regid=postgres --init-groups --"
rm -rf "$S/${CONF_DIR}"
mkdir -m 700 "$S/${CONF_DIR}"
for f in ${COPIED.join(" ")}; do cp "$f" "$S/${CONF_DIR}/$f"; done
cp server.key "$S/${CONF_DIR}/pg-server.key"
mkdir -p "$S/${DATA_DIR}"
if [ -n "$AS" ]; then
  chown postgres:postgres "$S/${DATA_DIR}" "$S/${CONF_DIR}"/*
  chmod 711 "$S/${CONF_DIR}"
fi
if ! $AS test -f "$S/${DATA_DIR}/PG_VERSION"; then
  $AS ${POSTGRES_BIN}/initdb --no-sync --no-instructions -A reject -U ${POSTGRES_USER} -E UTF8 --locale=C -D "$S/${DATA_DIR}" >"$S/initdb.log" 2>&1 || { cat "$S/initdb.log" >&2; exit 1; }
fi
# A previous instance of this directory was stopped (restart = stop, then start): its lock is stale.
$AS rm -f "$S/${DATA_DIR}/postmaster.pid"
export OPENSSL_CONF="$S/${CONF_DIR}/openssl.cnf"
exec $AS ${POSTGRES_BIN}/postgres -c config_file="$S/${CONF_DIR}/postgresql.conf"
`;

const NO_SUBSET = {
  supported: false,
  how: "(ssl_ca_file is both the advertised and the trusted list; OpenSSL ignores VerifyCAFile in OPENSSL_CONF system_default)",
};

/**
 * PostgreSQL 15 (OpenSSL 3.0), reached with the SSLRequest prelude (`starttls: "postgres"`);
 * `pg_hba.conf` `hostssl ... cert` = clientcert=verify-full. Reload = restart: the OpenSSL
 * configuration that expresses `none` and subsets is read once per process.
 */
export const postgresDriver = defineDriver({
  name: "postgres",
  binary: { name: `${POSTGRES_BIN}/postgres`, pkg: "postgresql-15" },
  packages: { postgresql: "postgresql-15", openssl: "libssl3" },
  starttls: "postgres",
  capabilities: {
    all: {
      "1.2": { supported: true, how: "(ssl_ca_file)" },
      "1.3": { supported: true, how: "(ssl_ca_file)" },
    },
    none: {
      "1.2": { supported: true, how: "(OPENSSL_CONF system_default Options = -CANames)" },
      "1.3": {
        supported: true,
        how: "(OPENSSL_CONF Options = -CANames), but sends an empty certificate_authorities extension",
      },
    },
    "truncate-bytes": { "1.2": NO_SUBSET, "1.3": NO_SUBSET },
    explicit: { "1.2": NO_SUBSET, "1.3": NO_SUBSET },
  },
  limits: OPENSSL_LIMITS,
  legacy: OPENSSL_LEGACY,
  notes: [
    "Keeps file order. STARTTLS: the SSLRequest prelude; a client without a certificate completes TLS and is refused by pg_hba (`cert`) after its StartupMessage.",
    "Over the limit it logs `could not accept SSL connection: internal error`. Reload = restart (OPENSSL_CONF is read once per process); jit=off, fsync=off, one data directory per server.",
  ],
  ready: /database system is ready to accept connections/,
  // initdb on the first start, and 2,000 roots to load: 40 s was not enough at load 20 on 2 cores.
  readyTimeoutMs: 90_000,
  // Root only prepares the state folder for the postgres user and switches to it; KILL: a restart
  // ends the server (the postgres user's processes) from root inside its kept container.
  rootCapabilities: ["CHOWN", "SETUID", "SETGID", "KILL"],
  dropsTo: "postgres",
  reload: { kind: "restart" },
  render: (ctx) => ({
    files: {
      "postgresql.conf": postgresqlConf(ctx),
      "openssl.cnf": opensslConf(ctx),
      "pg_hba.conf": hba(ctx),
      "pg_ident.conf": IDENT,
      "start-postgres.sh": START_SCRIPT,
    },
    argv: ["sh", ctx.file("start-postgres.sh"), ctx.dir],
  }),
});
