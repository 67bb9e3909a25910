import { createServer, type Server } from "node:http";
import { isIP } from "node:net";
import { InputError } from "../errors.ts";
import { EXPOSITION_CONTENT_TYPE, exposition } from "./exposition.ts";
import { metricFamilies } from "./metrics.ts";
import { resultsJson } from "./results-json.ts";
import type { Scheduler } from "./scheduler.ts";
import type { WatchState } from "./watch-state.ts";

/** Where to listen: an IP literal and a port, so the socket is bound exactly there and nowhere else. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** `127.0.0.1:9469`, `[::1]:9469`: a host name is refused (it could resolve to more, or other, addresses). */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const host = m ? (m[1] ?? m[2])! : "";
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || isIP(host) === 0 || (m[1] !== undefined && isIP(host) !== 6))
    throw new InputError(
      "rootload watch --listen",
      `"${text}" is not IP:port (like 127.0.0.1:9469 or [::1]:9469)`,
    );
  if (port > 65535) throw new InputError("rootload watch --listen", `"${text}": port ${port} is over 65535`);
  return { host, port };
}

/** Most connections the listener keeps open at once (a scraper needs one). */
export const MAX_CONNECTIONS = 32;

/** A started listener: where it is bound and how to close it. */
export interface Listener extends AsyncDisposable {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serve `/metrics` (Prometheus text format), `/healthz` and `/results` (JSON) for a running
 * watcher. GET and HEAD only; no request body is ever read; slow clients are cut off.
 */
export async function startListener(
  at: ListenAddress,
  state: WatchState,
  scheduler: Scheduler,
): Promise<Listener> {
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, {
        "content-type": type,
        "content-length": Buffer.byteLength(body),
        "cache-control": "no-store",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    switch (url) {
      case "/metrics":
        return send(200, EXPOSITION_CONTENT_TYPE, exposition(metricFamilies(state.series())));
      case "/healthz":
        return send(200, "text/plain; charset=utf-8", "ok\n");
      case "/results":
        return send(
          200,
          "application/json; charset=utf-8",
          `${JSON.stringify(resultsJson(scheduler.plan, state.series()), null, 2)}\n`,
        );
      case "/":
        return send(
          200,
          "text/html; charset=utf-8",
          '<!doctype html><title>rootload watch</title><h1>rootload watch</h1><ul><li><a href="/metrics">/metrics</a><li><a href="/results">/results</a> (JSON)<li><a href="/healthz">/healthz</a></ul>\n',
        );
      default:
        return send(404, "text/plain; charset=utf-8", "not found: /metrics, /results, /healthz\n");
    }
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: at.host, port: at.port, exclusive: true, ipv6Only: isIP(at.host) === 6 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : at.port;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { host: at.host, port, close, [Symbol.asyncDispose]: close };
}
