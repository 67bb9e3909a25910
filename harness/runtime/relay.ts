import { writeFile } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { EngineError } from "../errors.ts";
import { STATE_DIR } from "./runtime.ts";

/**
 * The half of the isolated-network relay that runs inside the server's network namespace:
 * a Unix socket (visible to the host through the shared directory) forwarded to the server's
 * TCP port on the namespace's own loopback. Plain JavaScript so it runs under any Node ≥ 18
 * (the image carries Debian's nodejs 18).
 */
export const INNER_RELAY_SCRIPT = `// rootload inner relay: unix socket -> 127.0.0.1:port inside this network namespace
import { createServer, createConnection } from "node:net";
import { rmSync } from "node:fs";
const [sock, port] = process.argv.slice(2);
rmSync(sock, { force: true });
createServer((c) => {
  const s = createConnection({ host: "127.0.0.1", port: Number(port) });
  c.pipe(s).pipe(c);
  const end = () => { c.destroy(); s.destroy(); };
  c.on("error", end); s.on("error", end); c.on("close", end); s.on("close", end);
}).listen(sock, () => console.error("rootload relay ready " + sock));
`;

export const INNER_RELAY_FILE = "relay.mjs";
/** What the inner relay prints once it listens. */
export const RELAY_READY = /rootload relay ready/;
export const RELAY_SOCKET_FILE = "relay.sock";

/**
 * The host half: listens on 127.0.0.1:`port` and forwards each connection to the Unix socket.
 * It lives in the harness process, so the port survives a restart of the server behind it.
 */
export class HostRelay {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static listen(port: number, socketPath: string, timeoutMs = 5_000): Promise<HostRelay> {
    return new Promise((resolve, reject) => {
      const relay = new HostRelay(
        createServer((c) => {
          const s = createConnection(socketPath);
          relay.#sockets.add(c).add(s);
          c.pipe(s).pipe(c);
          const end = () => {
            c.destroy();
            s.destroy();
            relay.#sockets.delete(c);
            relay.#sockets.delete(s);
          };
          for (const x of [c, s]) {
            x.on("error", end);
            x.on("close", end);
          }
        }),
      );
      const timer = setTimeout(
        () => reject(new EngineError(`relay on 127.0.0.1:${port} not listening after ${timeoutMs}ms`)),
        timeoutMs,
      );
      relay.#server.once("error", (e) => {
        clearTimeout(timer);
        reject(new EngineError(`relay cannot listen on 127.0.0.1:${port}: ${e.message}`));
      });
      relay.#server.listen(port, "127.0.0.1", () => {
        clearTimeout(timer);
        resolve(relay);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * Put a server behind the relay, the one way both runtimes isolate a server: write the inner
 * relay next to it, wrap its argv so a shell starts the relay in the background and then execs
 * the server, and listen on the host port. `setup` is a shell step run first (a fresh network
 * namespace has its loopback down); `prefix` runs the shell (e.g. `unshare -n`).
 */
export async function isolateBehindRelay(
  spec: { dir: string; port: number; argv: readonly string[]; isolated: { innerPort: number } },
  nodeBinary: string,
  options: { prefix?: readonly string[]; setup?: string } = {},
): Promise<{ argv: string[]; relay: HostRelay }> {
  await writeFile(join(spec.dir, INNER_RELAY_FILE), INNER_RELAY_SCRIPT);
  // The socket is written by the server side: into the folder's writable state/ part.
  const sock = join(spec.dir, STATE_DIR, RELAY_SOCKET_FILE);
  const script = `${options.setup ? `${options.setup}; ` : ""}"$1" "$2" "$3" "$4" & shift 4; exec "$@"`;
  const argv = [
    ...(options.prefix ?? []),
    "sh",
    "-c",
    script,
    "sh",
    nodeBinary,
    join(spec.dir, INNER_RELAY_FILE),
    sock,
    `${spec.isolated.innerPort}`,
    ...spec.argv,
  ];
  return { argv, relay: await HostRelay.listen(spec.port, sock) };
}
