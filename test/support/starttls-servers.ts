import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../harness/runtime/free-port.ts";
import { listening } from "./listening.ts";

/**
 * Real servers that speak STARTTLS, run as foreground processes on 127.0.0.1 from a throwaway
 * folder: OpenLDAP's slapd (LDAP), Dovecot (IMAP), Exim (SMTP) — Debian's packages, installed by
 * containers/setup-host.sh. Each requests a client certificate and advertises `caPem`; without
 * `caPem` TLS is off, so the server refuses STARTTLS its own way.
 */
export type MailProtocol = "smtp" | "imap" | "ldap";

export interface StartTlsServerOptions {
  /** The CA names to advertise (and verify against); undefined = TLS not configured. */
  caPem?: string;
  certPem: string;
  keyPem: string;
  /**
   * ldap only: listen for LDAPS (`ldaps://`, TLS from the first byte) instead of plain LDAP with
   * StartTLS: a real TLS server that speaks no HTTP and closes on a request it cannot decode.
   */
  implicitTls?: boolean;
}

export interface RunningStartTlsServer extends AsyncDisposable {
  protocol: MailProtocol;
  /** Product, e.g. "slapd". */
  product: string;
  /** Product and its Debian package version, e.g. "slapd 2.5.13+dfsg-5". */
  versionText: string;
  host: string;
  port: number;
  /** Everything the server logged so far. */
  logs(): string;
  close(): Promise<void>;
}

/** dpkg-query's format for the version field (a literal `${Version}`, not a template). */
const DPKG_VERSION_FORMAT = ["-f=$", "{Version}"].join("");

const PACKAGES: Record<MailProtocol, string> = {
  ldap: "slapd",
  imap: "dovecot-imapd",
  smtp: "exim4-daemon-light",
};

const BINARIES: Record<MailProtocol, string> = {
  ldap: "/usr/sbin/slapd",
  imap: "/usr/sbin/dovecot",
  smtp: "/usr/sbin/exim4",
};

/** Why the server cannot run here, or undefined when it can. */
export function startTlsServerUnavailable(protocol: MailProtocol): string | undefined {
  return existsSync(BINARIES[protocol])
    ? undefined
    : `${BINARIES[protocol]} is not installed (containers/setup-host.sh installs it)`;
}

function uidGid(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
  return { uid, gid };
}

/** Config text and command line per product; `dir` holds cert.pem, key.pem and ca.pem. */
function render(
  protocol: MailProtocol,
  dir: string,
  port: number,
  tls: boolean,
  implicitTls = false,
): { file: string; text: string; args: string[]; product: string } {
  switch (protocol) {
    case "ldap":
      return {
        product: "slapd",
        file: "slapd.conf",
        text: [
          "include /etc/ldap/schema/core.schema",
          `pidfile ${dir}/slapd.pid`,
          ...(tls
            ? [
                `TLSCACertificateFile ${dir}/ca.pem`,
                `TLSCertificateFile ${dir}/cert.pem`,
                `TLSCertificateKeyFile ${dir}/key.pem`,
                "TLSVerifyClient demand",
              ]
            : []),
          "database ldif",
          `directory ${dir}/db`,
          'suffix "dc=rootload,dc=test"',
          "",
        ].join("\n"),
        // -d 256: stats logging to stderr and stay in the foreground.
        args: [
          "-d",
          "256",
          "-f",
          `${dir}/slapd.conf`,
          "-h",
          `${implicitTls ? "ldaps" : "ldap"}://127.0.0.1:${port}/`,
        ],
      };
    case "imap":
      return {
        product: "dovecot",
        file: "dovecot.conf",
        text: [
          `base_dir = ${dir}/run`,
          `state_dir = ${dir}/run`,
          "log_path = /dev/stderr",
          "protocols = imap",
          "listen = 127.0.0.1",
          ...(tls
            ? [
                "ssl = required",
                `ssl_cert = <${dir}/cert.pem`,
                `ssl_key = <${dir}/key.pem`,
                `ssl_ca = <${dir}/ca.pem`,
                "ssl_verify_client_cert = yes",
                "auth_ssl_require_client_cert = yes",
              ]
            : ["ssl = no", "disable_plaintext_auth = no"]),
          "passdb {\n  driver = static\n  args = nopassword=y\n}",
          `userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=${dir}/run\n}`,
          // No chroot: the login process would need the folder inside its jail.
          `service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
          "service anvil {\n  chroot =\n}",
          "",
        ].join("\n"),
        args: ["-F", "-c", `${dir}/dovecot.conf`],
      };
    case "smtp":
      return {
        product: "exim",
        file: "exim.conf",
        text: [
          // Exim ≥ 4.92 offers STARTTLS with a certificate of its own unless told not to.
          tls ? "tls_advertise_hosts = *" : "tls_advertise_hosts =",
          "primary_hostname = rootload.test",
          `spool_directory = ${dir}/spool`,
          // This build cannot log to stderr: files in the spool, read by logs().
          `log_file_path = ${dir}/spool/%slog`,
          "exim_user = Debian-exim",
          "exim_group = Debian-exim",
          `daemon_smtp_ports = ${port}`,
          "local_interfaces = 127.0.0.1",
          ...(tls
            ? [
                `tls_certificate = ${dir}/cert.pem`,
                `tls_privatekey = ${dir}/key.pem`,
                `tls_verify_certificates = ${dir}/ca.pem`,
                "tls_verify_hosts = *",
              ]
            : []),
          "acl_smtp_rcpt = refuse",
          "begin acl",
          "refuse:",
          "  deny",
          "",
        ].join("\n"),
        // -bdf: daemon in the foreground; -C: this config (Exim then runs as Debian-exim, never root).
        args: ["-bdf", "-C", `${dir}/exim.conf`, "-oP", `${dir}/exim.pid`],
      };
  }
}

/** Wait until 127.0.0.1:port accepts, or the process dies, or `timeoutMs` passes. */
async function waitListening(child: ChildProcess, port: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && child.exitCode === null) {
    const ok = await listening(port, 500);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Start one server; throws (a test setup failure) with its log when it does not come up in 15 s. */
export async function startStartTlsServer(
  protocol: MailProtocol,
  o: StartTlsServerOptions,
): Promise<RunningStartTlsServer> {
  const dir = mkdtempSync(path.join(tmpdir(), `rootload-${protocol}-`));
  // Dovecot's login process (dovenull) and Exim (Debian-exim) run as their own users.
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, "cert.pem"), o.certPem);
  writeFileSync(path.join(dir, "key.pem"), o.keyPem, { mode: 0o600 });
  if (o.caPem) writeFileSync(path.join(dir, "ca.pem"), o.caPem);
  mkdirSync(path.join(dir, "db"));
  mkdirSync(path.join(dir, "spool"));
  if (protocol === "smtp") {
    // Exim gives up root for Debian-exim before it reads its files: every folder above must let
    // others through (a 0700 TMPDIR would not).
    for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d))
      if ((statSync(d).mode & 0o001) === 0) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(
          `${d} is not searchable by others: Exim (user Debian-exim) cannot reach ${dir}; use a TMPDIR with mode 0711 or 0755`,
        );
      }
    const { uid, gid } = uidGid("Debian-exim");
    for (const f of ["cert.pem", "key.pem", "spool"]) chownSync(path.join(dir, f), uid, gid);
  }
  const port = await freePort();
  const r = render(protocol, dir, port, o.caPem !== undefined, o.implicitTls);
  writeFileSync(path.join(dir, r.file), r.text);
  let log = "";
  const child = spawn(BINARIES[protocol], r.args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((res) => child.once("exit", res));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = () => {
    let files = "";
    for (const f of ["mainlog", "rejectlog", "paniclog"]) {
      const p = path.join(dir, "spool", f);
      if (existsSync(p)) files += readFileSync(p, "utf8");
    }
    return log + files;
  };
  if (!(await waitListening(child, port, 15_000))) {
    const text = logs();
    await close();
    throw new Error(`${r.product} did not listen on 127.0.0.1:${port} within 15000 ms: ${text.slice(-800)}`);
  }
  return {
    protocol,
    product: r.product,
    versionText: `${r.product} ${execFileSync("dpkg-query", ["-W", DPKG_VERSION_FORMAT, PACKAGES[protocol]], { encoding: "utf8" })}`,
    host: "127.0.0.1",
    port,
    logs,
    close,
    [Symbol.asyncDispose]: close,
  };
}
