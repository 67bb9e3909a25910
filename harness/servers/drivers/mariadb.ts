import { STATE_DIR } from "../../runtime/runtime.ts";
import type { RenderContext } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { enabledVersions, OPENSSL_NAME } from "../protocols.ts";

/** Debian 12's MariaDB server (it links Debian's libssl3: `ldd /usr/sbin/mariadbd`). */
export const MARIADB_BIN = "/usr/sbin/mariadbd";
/** The account the client certificate logs in as: no password, `REQUIRE X509` (or `SSL` for optional). */
export const MARIADB_USER = "rootload";
/**
 * Under the state folder: the copies of the inputs mariadbd opens, owned by the user it runs as
 * (it cannot read the harness's 0600 files), and its data directory.
 */
const CONF_DIR = "my-conf";
const DATA_DIR = "mariadb-data";
const COPIED = ["my.cnf", "init.sql", "server.crt", ISSUER_FILES.verify];

/**
 * The server's options, read with `--defaults-file` (nothing from /etc/mysql). InnoDB is kept
 * small (8 MiB buffer pool, 4 MiB redo log): the server holds one empty database.
 */
function myCnf(ctx: RenderContext): string {
  const file = (n: string) => ctx.state(`${CONF_DIR}/${n}`);
  const versions = enabledVersions(ctx.config)
    .filter((v) => v === "1.2" || v === "1.3")
    .map((v) => OPENSSL_NAME[v]);
  return `# rendered by rootload
[mariadbd]
datadir = ${ctx.state(DATA_DIR)}
bind-address = ${ctx.listenHost}
port = ${ctx.listenPort}
pid-file = ${ctx.state(`${DATA_DIR}/mariadb.pid`)}
skip-name-resolve
skip-log-bin
max-connections = 30
performance-schema = OFF
innodb-buffer-pool-size = 8M
innodb-log-file-size = 4M
ssl-ca = ${file(ISSUER_FILES.verify)}
ssl-cert = ${file("server.crt")}
ssl-key = ${file("mariadb-server.key")}
tls-version = ${versions.join(",")}
require-secure-transport = ON
init-file = ${file("init.sql")}
`;
}

/**
 * The account, re-made at every start (init-file). `REQUIRE X509`: a valid certificate (chained to
 * ssl-ca) or the login is refused after the handshake (ERR 1045); `REQUIRE SSL` lets a TLS client
 * without one in, while a certificate from an unknown CA still fails the handshake.
 */
function initSql(ctx: RenderContext): string {
  const require = ctx.config.clientAuth === "require" ? "X509" : "SSL";
  return `CREATE OR REPLACE USER '${MARIADB_USER}'@'%' REQUIRE ${require};
GRANT USAGE ON *.* TO '${MARIADB_USER}'@'%';
`;
}

/**
 * As root (the process runtime, or a container with CHOWN, SETUID and SETGID only) it prepares
 * the state folder for the mysql user and runs everything as that user, as the postgres driver
 * does. mariadb-install-db runs once per server directory (restarts reuse the data). The unix
 * socket (which mariadbd always opens) goes in the data directory unless that path is too long
 * for a socket address (107 bytes), then in /tmp under the port. Never the packaged service.
 */
const START_SCRIPT = `#!/bin/sh
set -e
umask 077
cd "$1"
S="$1/${STATE_DIR}"
AS=""
[ "$(id -u)" = 0 ] && AS="setpriv --reuid=mysql --regid=mysql --init-groups --"
rm -rf "$S/${CONF_DIR}"
mkdir -m 700 "$S/${CONF_DIR}"
for f in ${COPIED.join(" ")}; do cp "$f" "$S/${CONF_DIR}/$f"; done
cp server.key "$S/${CONF_DIR}/mariadb-server.key"
mkdir -p "$S/${DATA_DIR}"
if [ -n "$AS" ]; then
  chown mysql:mysql "$S/${DATA_DIR}" "$S/${CONF_DIR}"/*
  chmod 711 "$S/${CONF_DIR}"
fi
DEFAULTS="--defaults-file=$S/${CONF_DIR}/my.cnf"
if ! $AS test -d "$S/${DATA_DIR}/mysql"; then
  $AS mariadb-install-db --no-defaults --datadir="$S/${DATA_DIR}" --innodb-log-file-size=4M --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve >"$S/install-db.log" 2>&1 || { cat "$S/install-db.log" >&2; exit 1; }
fi
SOCK="$S/${DATA_DIR}/mariadb.sock"
[ \${#SOCK} -lt 100 ] || SOCK="/tmp/rootload-mariadb-$2.sock"
exec $AS ${MARIADB_BIN} "$DEFAULTS" --socket="$SOCK"
`;

const NEVER = {
  supported: false,
  how: "(MariaDB never sets a client CA list: vio/viosslfactories.c loads ssl-ca for verification only, so no CA names are sent whatever ssl-ca holds)",
};

/**
 * MariaDB 10.11 (OpenSSL 3.0), reached with the MySQL SSLRequest prelude (`starttls: "mysql"`),
 * `require-secure-transport`, and an account that `REQUIRE X509`. It advertises no CA names at
 * any list size (policy `none` is all it can do): its CertificateRequest is an empty list on
 * TLS 1.2 and has no certificate_authorities extension on TLS 1.3. Reload = restart.
 */
export const mariadbDriver = defineDriver({
  name: "mariadb",
  binary: { name: MARIADB_BIN, pkg: "mariadb-server-core" },
  // The image has mariadb-server-core only (containers/build-images.sh); the host has it under mariadb-server.
  packages: { mariadb: "mariadb-server-core", openssl: "libssl3" },
  starttls: "mysql",
  capabilities: {
    all: { "1.2": NEVER, "1.3": NEVER },
    none: {
      "1.2": { supported: true, how: "(always: an empty certificate_authorities list)" },
      "1.3": { supported: true, how: "(always: no certificate_authorities extension)" },
    },
    "truncate-bytes": { "1.2": NEVER, "1.3": NEVER },
    explicit: { "1.2": NEVER, "1.3": NEVER },
  },
  limits: {
    "1.2": "no names at any size (measured to 66,767 bytes of ssl-ca)",
    "1.3": "no names at any size (measured to 66,767 bytes of ssl-ca)",
  },
  legacy: { supported: false, how: "(not set up: tls-version lists TLSv1.2 and TLSv1.3 only)" },
  optionalClientAuth: { supported: true, how: "(the account REQUIRE SSL instead of X509)" },
  notes: [
    "STARTTLS: the MySQL SSLRequest prelude. No CA names ever: selecting clients (Java, Go) offer any certificate they hold. A client without a certificate completes TLS and is refused at login (ERR 1045, `REQUIRE X509`); a certificate from an unknown CA fails the handshake.",
    "Reload = restart (measured on the loaded 2-core host: 3.8 s; the first start, with mariadb-install-db once per server directory, 11.3 s). FLUSH SSL (10.4+) re-reads the files but logs nothing the harness could wait on (checked on 10.11.19).",
  ],
  ready: /ready for connections/,
  startFailed: /\[ERROR\] Aborting/,
  // mariadb-install-db on the first start (≈ 8 s on an idle 2-core machine).
  readyTimeoutMs: 90_000,
  // KILL: a restart ends the server (the mysql user's mariadbd) from root inside its kept
  // container; without it the old mariadbd kept its data files locked and the new one aborted.
  rootCapabilities: ["CHOWN", "SETUID", "SETGID", "KILL"],
  dropsTo: "mysql",
  reload: { kind: "restart" },
  render: (ctx) => ({
    files: {
      "my.cnf": myCnf(ctx),
      "init.sql": initSql(ctx),
      "start-mariadb.sh": START_SCRIPT,
    },
    argv: ["sh", ctx.file("start-mariadb.sh"), ctx.dir, String(ctx.listenPort)],
  }),
});
