import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type TLSSocket } from "node:tls";
import { mysqlLoginPacket, mysqlVerdict } from "../../../harness/clients/mysql-login.ts";
import { postgresStartupMessage, postgresVerdict } from "../../../harness/clients/postgres-startup.ts";
import { sClient } from "../../../harness/clients/s-client.ts";
import type { TlsVersion } from "../../../harness/model/tls.ts";
import type { CertAndKey } from "../../../harness/pki/test-pki.ts";
import { connectStartTls } from "../../../harness/probe/starttls.ts";
import type { RootEntry } from "../../../harness/roots/root-store.ts";
import { MARIADB_USER } from "../../../harness/servers/drivers/mariadb.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";

/**
 * How the tests look at the wire. Today: `openssl s_client` for the advertised names and
 * node:tls for accept/reject. When harness/probe/probe.ts lands, `advertised` switches to
 * `probe({ host, port, tls })` and keeps this shape.
 */
export interface Advertised {
  outcome: "ok" | "failed";
  /** Advertised names' CN values, in wire order; [] when none were sent. */
  cns?: string[];
  alert?: string;
  /** The OpenSSL error s_client reported, e.g. "parse_ca_names:length mismatch". */
  error?: string;
}

const files = new Map<CertAndKey, { cert: string; key: string }>();
function onDisk(who: CertAndKey): { cert: string; key: string } {
  let f = files.get(who);
  if (!f) {
    const dir = mkdtempSync(join(tmpdir(), "rootload-wire-"));
    f = { cert: join(dir, "c.pem"), key: join(dir, "c.key") };
    writeFileSync(f.cert, who.certPem);
    writeFileSync(f.key, who.keyPem);
    files.set(who, f);
  }
  return f;
}

function cnOf(line: string): string {
  return /CN\s*=\s*([^,]+)/.exec(line)?.[1]?.trim() ?? line;
}

/** The CN of a root entry, as s_client prints it. */
export function entryCn(e: RootEntry): string {
  return /CN=([^,]+)/.exec(e.subject)?.[1]?.trim() ?? e.subject;
}

/** What the server advertises on `tls` (offering `who`'s certificate, so the handshake can finish). */
export async function advertised(
  server: StartedTlsServer,
  tls: TlsVersion,
  who: CertAndKey,
): Promise<Advertised> {
  const f = onDisk(who);
  const r = await sClient({
    host: server.host,
    port: server.port,
    tls,
    cert: f.cert,
    key: f.key,
    servername: "localhost",
    ...(server.starttls ? { starttls: server.starttls } : {}),
  });
  const err = /error:[0-9A-F]+:SSL routines:([^:]+):([^:\n]+)/.exec(r.output);
  return {
    outcome: r.handshake,
    cns: r.handshake === "ok" ? r.names?.map(cnOf) : undefined,
    alert: r.alert,
    error: err ? `${err[1]}:${err[2]}` : undefined,
  };
}

/**
 * Whether the server lets `who` in. Accepted = a request gets an HTTP answer other than 400
 * (or, from stunnel's echo service, the request back). nginx completes the handshake for a bad certificate and answers
 * 400, so a response alone does not mean accepted; an alert or a close means rejected.
 */
export async function accepts(
  server: StartedTlsServer,
  tls: TlsVersion | "1.0-rsa",
  who: CertAndKey | undefined,
  timeoutMs = 8_000,
): Promise<"accepted" | "rejected"> {
  if (server.starttls === "postgres" || server.starttls === "mysql")
    return preludeAccepts(server, server.starttls, tls, who, timeoutMs);
  return new Promise((resolve) => {
    const sock = connect({
      host: server.host,
      port: server.port,
      ...tlsOptions(tls, who),
    });
    let settled = false;
    let body = "";
    // Any answer past client authentication counts (Apache may 403/404 its empty document root);
    // 400 is nginx's answer to a certificate it did not accept.
    const verdict = () => {
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(body)?.[1];
      return (status && status !== "400") || body.startsWith("GET /") ? "accepted" : "rejected";
    };
    const done = (r: "accepted" | "rejected") => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done(verdict()), timeoutMs);
    sock.on("secureConnect", () => sock.write("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"));
    sock.on("data", (d) => {
      body += d;
      if (body.length >= 16) done(verdict());
    });
    sock.on("error", () => done(verdict()));
    sock.on("close", () => done(verdict()));
  });
}

function tlsOptions(tls: TlsVersion | "1.0-rsa", who: CertAndKey | undefined) {
  // "1.0-rsa" models node-forge: TLS 1.0, RSA key exchange, AES-CBC-SHA.
  const v = tls === "1.0-rsa" ? "TLSv1" : tls === "1.2" ? "TLSv1.2" : "TLSv1.3";
  return {
    servername: "localhost",
    minVersion: v,
    maxVersion: v,
    rejectUnauthorized: false,
    ...(tls === "1.0-rsa" ? { ciphers: "AES128-SHA:AES256-SHA:@SECLEVEL=0" } : {}),
    ...(who ? { cert: who.certPem, key: who.keyPem } : {}),
  } as const;
}

/**
 * PostgreSQL: SSLRequest, TLS, StartupMessage; accepted = AuthenticationOk. PostgreSQL lets a
 * client without a certificate finish TLS and refuses it on the StartupMessage (pg_hba `cert`).
 * MariaDB: greeting, SSLRequest, TLS, login as the `REQUIRE X509` account; accepted = OK packet.
 */
async function preludeAccepts(
  server: StartedTlsServer,
  protocol: "postgres" | "mysql",
  tls: TlsVersion | "1.0-rsa",
  who: CertAndKey | undefined,
  timeoutMs: number,
): Promise<"accepted" | "rejected"> {
  const pre = await connectStartTls(server.host, server.port, protocol, timeoutMs);
  if (!pre.ok) return "rejected";
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    let sock: TLSSocket | undefined;
    const done = (r: "accepted" | "rejected") => {
      clearTimeout(timer);
      sock?.destroy();
      pre.socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done("rejected"), timeoutMs);
    sock = connect({ socket: pre.socket, ...tlsOptions(tls, who) });
    sock.on("secureConnect", () =>
      sock!.write(
        protocol === "postgres"
          ? postgresStartupMessage("rootload", "postgres")
          : mysqlLoginPacket(MARIADB_USER),
      ),
    );
    sock.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const v = protocol === "postgres" ? postgresVerdict(got) : mysqlVerdict(got);
      if (v.kind !== "more") done(v.kind === "accepted" ? "accepted" : "rejected");
    });
    sock.on("error", () => done("rejected"));
    sock.on("close", () => done("rejected"));
  });
}

/**
 * Whether gnutls-cli (3.7.9, a stricter parser than OpenSSL) completes a handshake. It rejects
 * a TLS 1.3 certificate_authorities extension with an empty list, which s_client accepts.
 */
export function gnutlsCliHandshake(
  server: StartedTlsServer,
  tls: TlsVersion,
  who: CertAndKey,
): Promise<{ ok: boolean; output: string }> {
  const f = onDisk(who);
  const args = [
    "--port",
    `${server.port}`,
    "--insecure",
    "--priority",
    `NORMAL:-VERS-ALL:+VERS-TLS${tls}`,
    "--x509certfile",
    f.cert,
    "--x509keyfile",
    f.key,
    ...(server.starttls ? [`--starttls-proto=${server.starttls}`] : []),
    server.host,
  ];
  return new Promise((resolve) => {
    const child = spawn("gnutls-cli", args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.stdin.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.on("close", () => {
      clearTimeout(timer);
      resolve({ ok: /Handshake was completed/.test(out) && !/Fatal error/.test(out), output: out });
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ ok: false, output: `${out}${err.message}` });
    });
  });
}
