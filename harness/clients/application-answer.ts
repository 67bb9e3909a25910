import type { Socket } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import { type ApplicationProtocol, defaultApplication } from "../model/application.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import { connectStartTls } from "../probe/starttls.ts";
import { mysqlLoginPacket, mysqlVerdict } from "./mysql-login.ts";
import { postgresStartupMessage, postgresVerdict } from "./postgres-startup.ts";

/**
 * What the application behind the TLS server answers a client that sent no certificate:
 * `refused` (an HTTP 4xx, a PostgreSQL ErrorResponse, an alert or a close), `let-in` (any other
 * HTTP answer, AuthenticationOk), `unknown` (no answer within the bound, or a protocol rootload
 * does not speak after the handshake). `text` is what the server said, for the case's detail.
 */
export type ApplicationAnswer = { kind: "refused" | "let-in" | "unknown"; text: string };

/** How long to wait for the application's answer after the handshake (ms). */
export const ANSWER_MS = 2_000;
/** Bytes of the answer kept: the status line and the start of the body. */
const MAX_ANSWER_BYTES = 4_096;

/** HTTP statuses that refuse a client: 400 is nginx's "No required SSL certificate was sent", 495/496 its own codes. */
const REFUSING_STATUS = new Set([400, 401, 403, 421, 495, 496]);

/** The first lines of an HTTP answer that say why: the status line and a <title> or <h1>, if any. */
function httpText(raw: string): string {
  const status = raw.split("\r\n")[0] ?? "";
  const why = /<(?:title|h1)>([^<]{1,120})<\/(?:title|h1)>/i.exec(raw)?.[1];
  const also = /No required SSL certificate was sent|SSL certificate error/i.exec(raw)?.[0];
  return [status, also ?? why].filter(Boolean).join(": ");
}

/**
 * Judge the answer: PostgreSQL's first message, or an HTTP status line (the request asks the
 * server to close, so the whole answer is read by then). undefined: nothing to judge yet.
 */
export function judgeAnswer(
  received: Buffer,
  application: ApplicationProtocol,
): ApplicationAnswer | undefined {
  if (application === "postgres" || application === "mysql") {
    const v = application === "postgres" ? postgresVerdict(received) : mysqlVerdict(received);
    if (v.kind === "more") return undefined;
    return { kind: v.kind === "accepted" ? "let-in" : "refused", text: v.detail };
  }
  if (received.length === 0) return undefined;
  const raw = received.toString("latin1");
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(raw);
  if (!m) return { kind: "unknown", text: `not an HTTP answer: ${JSON.stringify(raw.slice(0, 40))}` };
  return { kind: REFUSING_STATUS.has(Number(m[1])) ? "refused" : "let-in", text: httpText(raw) };
}

/**
 * Connect without a client certificate, as the client that chose none did, and ask the
 * application: an HTTP request (`GET /`) or, behind PostgreSQL's SSLRequest, its StartupMessage
 * (behind MySQL's, the login as the mariadb driver's account).
 * Other STARTTLS protocols are not asked (`unknown`). Never throws; bounded by `timeoutMs`.
 */
export function askWithoutCertificate(o: {
  host: string;
  port: number;
  tls: TlsVersion;
  sni?: string;
  starttls?: StartTlsProtocol;
  /** What the server speaks after the handshake; default: the STARTTLS protocol's, else http. */
  application?: ApplicationProtocol;
  timeoutMs?: number;
}): Promise<ApplicationAnswer> {
  const timeoutMs = o.timeoutMs ?? ANSWER_MS + 5_000;
  const app = o.application ?? defaultApplication(o.starttls);
  const logsIn = app === "postgres" || app === "mysql";
  // Only HTTP and the two logins say whether a client without a certificate gets in.
  if (!logsIn && app !== "http")
    return Promise.resolve({ kind: "unknown", text: `the ${app} application is not asked` });
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    let sock: TLSSocket | undefined;
    let plain: Socket | undefined;
    let done = false;
    const finish = (a: ApplicationAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock?.destroy();
      plain?.destroy();
      resolve(a);
    };
    const timer = setTimeout(
      () => finish(judgeAnswer(got, app) ?? { kind: "unknown", text: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const v = o.tls === "1.3" ? "TLSv1.3" : "TLSv1.2";
    const start = (over: Socket | undefined) => {
      sock = connect({
        ...(over ? { socket: over } : { host: o.host, port: o.port }),
        ...(o.sni ? { servername: o.sni } : {}),
        minVersion: v,
        maxVersion: v,
        rejectUnauthorized: false,
      });
      sock.once("secureConnect", () => {
        sock!.write(
          app === "postgres"
            ? postgresStartupMessage("rootload", "postgres")
            : app === "mysql"
              ? mysqlLoginPacket("rootload")
              : "GET / HTTP/1.0\r\nHost: rootload\r\nConnection: close\r\n\r\n",
        );
        // An answer that never ends (or a server that waits): judge what came within the bound.
        setTimeout(
          () =>
            finish(judgeAnswer(got, app) ?? { kind: "unknown", text: `no answer within ${ANSWER_MS} ms` }),
          ANSWER_MS,
        );
      });
      sock.on("data", (d: Buffer) => {
        if (got.length < MAX_ANSWER_BYTES) got = Buffer.concat([got, d]).subarray(0, MAX_ANSWER_BYTES);
        // PostgreSQL's first message (MariaDB's first packet) decides; an HTTP answer is read to its close (or the bound).
        const a = logsIn || got.length >= MAX_ANSWER_BYTES ? judgeAnswer(got, app) : undefined;
        if (a) finish(a);
      });
      sock.on("error", (err) => finish({ kind: "refused", text: `TLS: ${err.message}` }));
      sock.on("close", () =>
        finish(
          judgeAnswer(got, app) ??
            (got.length > 0
              ? { kind: "unknown", text: `closed after ${got.length} bytes` }
              : { kind: "refused", text: "closed without an answer" }),
        ),
      );
    };
    if (!o.starttls) return start(undefined);
    connectStartTls(o.host, o.port, o.starttls, timeoutMs).then((pre) => {
      if (!pre.ok) return finish({ kind: "unknown", text: `STARTTLS prelude failed: ${pre.outcome.class}` });
      plain = pre.socket;
      start(pre.socket);
    });
  });
}
