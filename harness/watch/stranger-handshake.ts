import { type Socket, connect as tcpConnect } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { isNoServer } from "../model/no-server.ts";
import { ALERT_NAMES } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import { startTls } from "../probe/starttls.ts";
import type { WatchTarget } from "./load-targets.ts";

/** How a handshake with no client certificate ended. */
export type StrangerResult =
  /** The server refused it: an alert or a close once TLS had begun. */
  | { kind: "refused"; detail: string }
  /** The handshake completed and the connection stayed open: a stranger gets in. */
  | { kind: "accepted"; detail: string }
  /** No TLS conversation at all (refused connection, timeout, prelude failed). */
  | { kind: "unreachable"; detail: string };

/**
 * TLS 1.3 servers judge the client's (empty) Certificate after their own Finished: the refusal
 * comes one round trip after the handshake completes on our side. Wait this long for it.
 */
export const REFUSAL_GRACE_MS = 1_500;

/**
 * Handshake as a stranger (no client certificate) and see whether the server refuses: what an
 * `expect: "refused"` target must do. Bounded by `timeoutMs` in all; never throws.
 */
export function strangerHandshake(
  target: WatchTarget,
  tls: TlsVersion,
  timeoutMs: number,
): Promise<StrangerResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let tcp: Socket | undefined;
    let secure: TLSSocket | undefined;
    let done = false;
    let tlsStarted = false;
    const finish = (r: StrangerResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      secure?.destroy();
      tcp?.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ kind: "unreachable", detail: `no TLS answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const startTlsOn = (socket: Socket | undefined) => {
      tlsStarted = true;
      const version = tls === "1.3" ? "TLSv1.3" : "TLSv1.2";
      secure = tlsConnect({
        ...(socket ? { socket } : { host: target.host, port: target.port }),
        ...(target.sni ? { servername: target.sni } : {}),
        minVersion: version,
        maxVersion: version,
        // The server's certificate is not what is judged here; whether it refuses us is.
        rejectUnauthorized: false,
      });
      secure.once("secureConnect", () => {
        const left = Math.max(1, timeoutMs - (Date.now() - t0));
        setTimeout(
          () => finish({ kind: "accepted", detail: "handshake completed without a client certificate" }),
          Math.min(REFUSAL_GRACE_MS, left),
        ).unref();
        secure!.resume();
      });
      secure.on("data", () => {});
      secure.once("error", (err: NodeJS.ErrnoException) => {
        if (isNoServer(err.code))
          return finish({ kind: "unreachable", detail: `${err.code}: ${err.message}` });
        const alert = /alert number (\d+)/i.exec(err.message);
        const name = alert ? (ALERT_NAMES[Number(alert[1])] ?? `alert ${alert[1]}`) : undefined;
        finish({
          kind: "refused",
          detail: name ? `alert ${name}` : `${err.code ?? "error"}: ${err.message.split("\n")[0]}`,
        });
      });
      secure.once("close", () => finish({ kind: "refused", detail: "connection closed by the server" }));
    };
    if (!target.starttls) return startTlsOn(undefined);
    tcp = tcpConnect({ host: target.host, port: target.port });
    tcp.once("error", (err: NodeJS.ErrnoException) => {
      if (!tlsStarted) finish({ kind: "unreachable", detail: `${err.code ?? "error"}: ${err.message}` });
    });
    tcp.once("connect", async () => {
      const r = await startTls(tcp!, target.starttls!, Math.max(1, timeoutMs - (Date.now() - t0)));
      if (!r.ok)
        return finish({ kind: "unreachable", detail: `STARTTLS ${target.starttls}: ${r.outcome.class}` });
      startTlsOn(tcp);
    });
  });
}
