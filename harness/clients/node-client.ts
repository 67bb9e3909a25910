import { connect, createSecureContext, type SecureContext, type TLSSocket } from "node:tls";
import { applicationStep, defaultApplication } from "../model/application.ts";
import type { Outcome } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { CertAndKey } from "../pki/test-pki.ts";
import { connectStartTls } from "../probe/starttls.ts";
import { mysqlLoginPacket, mysqlVerdict } from "./mysql-login.ts";
import { classifyOpensslError } from "./openssl-errors.ts";
import { postgresStartupMessage, postgresVerdict } from "./postgres-startup.ts";
import type { ClientStack, HandshakeOptions, HandshakeResult } from "./tls-client.ts";

/**
 * Longest wait for a TLS 1.3 server's verdict after the handshake (ms). A server that accepts the
 * certificate normally sends a NewSessionTicket at once (OpenSSL, nginx, Node), which ends the wait.
 */
const TLS13_VERDICT_MS = 500;

// One SecureContext per identity × version × legacy: building one parses the key and certificate,
// which would otherwise dominate a benchmarked handshake.
const contexts = new WeakMap<object, Map<string, SecureContext>>();
const NO_IDENTITY = {};

function contextFor(id: CertAndKey | undefined, tls: TlsVersion, legacy: boolean): SecureContext {
  const owner = id ?? NO_IDENTITY;
  let byKey = contexts.get(owner);
  if (!byKey) {
    byKey = new Map();
    contexts.set(owner, byKey);
  }
  const key = `${tls}:${legacy}`;
  let ctx = byKey.get(key);
  if (!ctx) {
    const version = tls === "1.3" ? "TLSv1.3" : "TLSv1.2";
    ctx = createSecureContext({
      ...(id ? { cert: id.certPem, key: id.keyPem } : {}),
      minVersion: legacy && tls === "1.2" ? "TLSv1" : version,
      maxVersion: version,
      ...(legacy ? { ciphers: "DEFAULT:@SECLEVEL=0" } : {}),
    });
    byKey.set(key, ctx);
  }
  return ctx;
}

/** The user and database the harness logs in as on a PostgreSQL server (its `cert` line maps any CN to it). */
const PG_USER = "rootload";
const PG_DATABASE = "postgres";
/** The account the mariadb driver makes (`REQUIRE X509`, no password). */
const MYSQL_USER = "rootload";

/**
 * The login after the handshake on the protocols that judge the certificate there (PostgreSQL's
 * `cert` method, MariaDB's `REQUIRE X509`): what to send and how to read the answer.
 */
const LOGINS = {
  postgres: { request: () => postgresStartupMessage(PG_USER, PG_DATABASE), verdict: postgresVerdict },
  mysql: { request: () => mysqlLoginPacket(MYSQL_USER), verdict: mysqlVerdict },
} as const;

async function runOnce(o: HandshakeOptions, id: CertAndKey | undefined): Promise<HandshakeResult> {
  if (!o.starttls) return handshakeOn(o, id, undefined, performance.now());
  const t0 = performance.now();
  const pre = await connectStartTls(o.host, o.port, o.starttls, o.timeoutMs ?? 10_000);
  if (!pre.ok) return { outcome: pre.outcome, ms: performance.now() - t0 };
  return handshakeOn({ ...o, timeoutMs: Math.max(1, (o.timeoutMs ?? 10_000) - pre.ms) }, id, pre.socket, t0);
}

/** Handshake on a new connection, or on `plain` (a socket whose STARTTLS prelude is done). */
function handshakeOn(
  o: HandshakeOptions,
  id: CertAndKey | undefined,
  plain: import("node:net").Socket | undefined,
  t0: number,
): Promise<HandshakeResult> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  let appData = Buffer.alloc(0);
  return new Promise((resolve) => {
    let handshakeMs: number | undefined;
    let done = false;
    let socket: TLSSocket | undefined;
    let verdict: NodeJS.Timeout | undefined;
    const finish = (outcome: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (verdict) clearTimeout(verdict);
      socket?.destroy();
      resolve({ outcome, ms: handshakeMs ?? performance.now() - t0 });
    };
    const timer = setTimeout(
      () =>
        finish({
          class: "timeout",
          detail: `no ${handshakeMs === undefined ? "handshake" : "verdict"} within ${timeoutMs} ms`,
        }),
      timeoutMs,
    );
    try {
      socket = connect({
        ...(plain ? { socket: plain } : { host: o.host, port: o.port }),
        ...(o.sni ? { servername: o.sni } : {}),
        secureContext: contextFor(id, o.tls, o.legacy ?? false),
        // The harness tests the server's CA list, not its certificate.
        rejectUnauthorized: false,
      });
    } catch (err) {
      finish(classifyOpensslError((err as Error).message, (err as NodeJS.ErrnoException).code));
      return;
    }
    const step = applicationStep("node", o.application ?? defaultApplication(o.starttls));
    const login = step === "postgres" || step === "mysql" ? LOGINS[step] : undefined;
    socket.once("secureConnect", () => {
      handshakeMs = performance.now() - t0;
      // PostgreSQL and MariaDB judge the certificate on the login (postgres-startup.ts, mysql-login.ts).
      if (login) {
        socket!.write(login.request());
        return;
      }
      // TLS 1.2: the server's Finished came after it checked our certificate: the verdict is in.
      if (o.tls === "1.2") return finish({ class: "ok" });
      // TLS 1.3: the server checks our certificate after our Finished; read until its ticket
      // (accepted), an alert or close (rejected), bounded.
      verdict = setTimeout(() => finish({ class: "ok" }), TLS13_VERDICT_MS);
      socket!.resume();
    });
    socket.on("session", () => {
      if (handshakeMs !== undefined && !login) finish({ class: "ok" });
    });
    socket.on("data", (d: Buffer) => {
      if (!login) return finish({ class: "ok" });
      appData = Buffer.concat([appData, d]);
      const v = login.verdict(appData);
      if (v.kind === "accepted") finish({ class: "ok" });
      else if (v.kind === "rejected")
        finish({ class: "reset", detail: `refused by the server after the handshake: ${v.detail}` });
      else if (v.kind === "malformed") finish({ class: "malformed", detail: v.detail });
    });
    socket.on("error", (err: NodeJS.ErrnoException) => finish(classifyOpensslError(err.message, err.code)));
    socket.once("end", () =>
      finish(
        handshakeMs === undefined
          ? { class: "reset", detail: "closed by the server during the handshake" }
          : { class: "reset", detail: "closed by the server after the handshake, without an alert" },
      ),
    );
    socket.once("close", () => finish({ class: "reset", detail: "connection closed" }));
  });
}

/** node:tls (OpenSSL inside Node) with the client certificate in a reused SecureContext. */
export const nodeStack: ClientStack = {
  available: async () => true,
  once: runOnce,
};
