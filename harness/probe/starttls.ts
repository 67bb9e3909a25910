/**
 * Plaintext preludes that come before a TLS handshake on protocols that upgrade an open
 * connection. Each protocol's dialogue (starttls-*.ts) is a pure judge of the server's bytes;
 * this file runs one on a socket, with one bound on the whole prelude.
 */

import { connect, type Socket } from "node:net";
import type { Outcome } from "../model/outcome.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { Dialogue } from "./starttls-dialogue.ts";
import { imapDialogue } from "./starttls-imap.ts";
import { ldapDialogue } from "./starttls-ldap.ts";
import { mysqlDialogue } from "./starttls-mysql.ts";
import { postgresDialogue } from "./starttls-postgres.ts";
import { smtpDialogue } from "./starttls-smtp.ts";

export type { StartTlsProtocol } from "../model/starttls.ts";
export { MYSQL_SSL_REQUEST } from "./starttls-mysql.ts";
export { POSTGRES_SSL_REQUEST } from "./starttls-postgres.ts";

/** A fresh dialogue per connection (SMTP and IMAP keep their stage). */
export const DIALOGUES: Record<StartTlsProtocol, () => Dialogue> = {
  postgres: postgresDialogue,
  smtp: smtpDialogue,
  imap: imapDialogue,
  ldap: ldapDialogue,
  mysql: mysqlDialogue,
};

/** Most bytes one answer of the prelude may take: past it the peer is not speaking the protocol. */
export const MAX_PRELUDE_ANSWER_BYTES = 65_536;

/** What a prelude ended in: the socket is ready for a ClientHello, or a named outcome. */
export type StartTlsResult = { ok: true; ms: number } | { ok: false; outcome: Outcome; ms: number };

/**
 * Run `protocol`'s prelude on a connected socket. Resolves (never rejects) when the server agreed
 * to TLS, refused, sent something else, closed, or stayed silent for `timeoutMs`. The socket is
 * left open and untouched on success (no listener, no buffered data) and destroyed otherwise.
 */
export function startTls(
  socket: Socket,
  protocol: StartTlsProtocol,
  timeoutMs: number,
): Promise<StartTlsResult> {
  const d = DIALOGUES[protocol]();
  const t0 = performance.now();
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const finish = (r: { ok: true } | { ok: false; outcome: Outcome }) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
      socket.off("close", onEnd);
      if (!r.ok) socket.destroy();
      resolve({ ...r, ms: Math.round((performance.now() - t0) * 1000) / 1000 });
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          outcome: { class: "timeout", detail: `no answer to ${d.asked} within ${timeoutMs} ms` },
        }),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const step = d.read(received);
      if (step.kind === "tls") {
        // Stop reading before the next chunk: the TLS layer takes over the socket from here.
        socket.pause();
        if (step.send) socket.write(step.send);
        finish({ ok: true });
      } else if (step.kind === "refused") finish({ ok: false, outcome: step.outcome });
      else if (step.kind === "send") {
        received = Buffer.alloc(0);
        socket.write(step.data);
      } else if (received.length > MAX_PRELUDE_ANSWER_BYTES)
        finish({
          ok: false,
          outcome: {
            class: "malformed",
            detail: `server sent ${received.length} bytes in answer to ${d.asked} without completing it`,
          },
        });
    };
    const onEnd = () =>
      finish({
        ok: false,
        outcome: {
          class: "reset",
          detail: `connection closed during ${d.asked}${received.length ? ` after ${received.length} bytes` : ""}`,
        },
      });
    const onError = (err: NodeJS.ErrnoException) =>
      finish({
        ok: false,
        outcome: { class: "reset", detail: `${err.code ?? "error"} during ${d.asked}: ${err.message}` },
      });
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onError);
    if (d.opening) socket.write(d.opening);
  });
}

/**
 * Connect to host:port and run the prelude: a socket ready for TLS, or the outcome that ended
 * it (connection failures included), all within `timeoutMs`.
 */
export function connectStartTls(
  host: string,
  port: number,
  protocol: StartTlsProtocol,
  timeoutMs: number,
): Promise<{ ok: true; socket: Socket; ms: number } | { ok: false; outcome: Outcome; ms: number }> {
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  return new Promise((resolve) => {
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({
        ok: false,
        outcome: { class: "timeout", detail: `no connection within ${timeoutMs} ms` },
        ms: elapsed(),
      });
    }, timeoutMs);
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({
        ok: false,
        outcome: { class: "server-error", detail: `${err.code ?? "error"}: ${err.message}` },
        ms: elapsed(),
      });
    });
    socket.once("connect", async () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      const r = await startTls(socket, protocol, Math.max(1, timeoutMs - elapsed()));
      resolve(r.ok ? { ok: true, socket, ms: elapsed() } : { ok: false, outcome: r.outcome, ms: elapsed() });
    });
  });
}
