import { createServer } from "node:net";
import { tcpConnect } from "./tcp-connect.ts";

/** A TCP port that was free on 127.0.0.1 a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

/**
 * A port nothing answers on at `host` (a remote engine's address): the kernel there cannot be
 * asked, so pick at random from a range ephemeral ports avoid and check that a connection is
 * refused. `taken` holds the ports this process already handed out.
 */
export async function freeRemotePort(host: string, taken: Set<number>, timeoutMs = 1_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const answer = await tcpConnect(host, port, timeoutMs);
    if (!answer.open && answer.why === "ECONNREFUSED") {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port found at ${host} after 50 tries`);
}
