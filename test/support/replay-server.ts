import { createServer, type Server, type Socket } from "node:net";

/** A hostile TLS "server": answers any ClientHello with fixed bytes, then holds the connection. */
export interface ReplayServer extends AsyncDisposable {
  port: number;
  stop(): Promise<void>;
}

/**
 * Replays `flight` (a captured, possibly altered server flight) to every client after its first
 * bytes arrive. `close: true` ends the connection after sending. 127.0.0.1 only.
 */
export async function startReplayServer(
  flight: Uint8Array,
  opts: { close?: boolean } = {},
): Promise<ReplayServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
    s.once("data", () => {
      s.write(flight);
      if (opts.close) s.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  };
  return { port: (server.address() as { port: number }).port, stop, [Symbol.asyncDispose]: stop };
}
