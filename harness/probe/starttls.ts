import { connect, type Socket } from "node:net";
import type { Outcome } from "../model/outcome.ts";
/**
 * Plaintext preludes that come before a TLS handshake on protocols that upgrade an open
 * connection. Each is a small dialogue: what the client sends, and how it reads the server's
 * answer byte by byte until the server has agreed to TLS or refused.
 */
import type { StartTlsProtocol } from "../model/starttls.ts";

export type { StartTlsProtocol } from "../model/starttls.ts";

/** The answer so far: keep reading, or finished (agreed to TLS, or a named outcome). */
type Step = { kind: "more" } | { kind: "tls" } | { kind: "refused"; outcome: Outcome };

interface Dialogue {
  /** Sent as soon as the connection is up. */
  opening: Buffer;
  /** Judge everything received so far. */
  read(received: Buffer): Step;
  /** What the peer was asked, for timeout and close messages. */
  asked: string;
}

/** PostgreSQL SSLRequest: Int32 length 8, Int32 code 80877103 (protocol.html, "SSL Session Encryption"). */
export const POSTGRES_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

const postgres: Dialogue = {
  opening: POSTGRES_SSL_REQUEST,
  asked: "the PostgreSQL SSLRequest",
  read(received) {
    const b = received[0];
    if (b === undefined) return { kind: "more" };
    // The server answers with exactly one byte. Bytes after 'S' before our ClientHello would be
    // read as if they came under TLS (CVE-2021-23214 class): a conforming server never sends them.
    if (b === 0x53)
      return received.length === 1
        ? { kind: "tls" }
        : {
            kind: "refused",
            outcome: {
              class: "malformed",
              detail: `server sent ${received.length - 1} bytes after 'S' to the SSLRequest, before TLS`,
            },
          };
    if (b === 0x4e)
      return {
        kind: "refused",
        outcome: {
          class: "no-certificate-request",
          detail: "server answered 'N' to the PostgreSQL SSLRequest (SSL not enabled)",
        },
      };
    if (b === 0x45)
      return {
        kind: "refused",
        outcome: {
          class: "no-certificate-request",
          detail: `server answered the SSLRequest with an ErrorResponse: ${postgresErrorText(received)}`,
        },
      };
    return {
      kind: "refused",
      outcome: {
        class: "malformed",
        detail: `server answered the PostgreSQL SSLRequest with 0x${b.toString(16).padStart(2, "0")}, not 'S' or 'N'`,
      },
    };
  },
};

/** The human-readable fields (S, C, M) of an ErrorResponse, as far as it was received. */
function postgresErrorText(msg: Buffer): string {
  const fields = msg
    .subarray(5)
    .toString("utf8")
    .split("\0")
    .filter((f) => /^[SCM]/.test(f))
    .map((f) => f.slice(1));
  return fields.join(" ") || "(unreadable)";
}

const DIALOGUES: Record<StartTlsProtocol, Dialogue> = { postgres };

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
  const d = DIALOGUES[protocol];
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
        finish({ ok: true });
      } else if (step.kind === "refused") finish({ ok: false, outcome: step.outcome });
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
    socket.write(d.opening);
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
