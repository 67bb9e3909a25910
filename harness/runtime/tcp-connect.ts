import { connect } from "node:net";

/**
 * How one TCP connect to host:port ended within `timeoutMs`: `open`, or why not — the errno code
 * (`ECONNREFUSED`: nothing listens there) or "no answer within N ms". The socket is closed at once.
 */
export type TcpAnswer = { open: true } | { open: false; why: string };

/** One bounded TCP connect: the one probe every "does something listen there?" question uses. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<TcpAnswer> {
  return new Promise((resolve) => {
    const sock = connect({ host, port, timeout: timeoutMs });
    const done = (answer: TcpAnswer) => {
      sock.destroy();
      resolve(answer);
    };
    sock.once("connect", () => done({ open: true }));
    sock.once("error", (err: NodeJS.ErrnoException) => done({ open: false, why: err.code ?? err.message }));
    sock.once("timeout", () => done({ open: false, why: `no answer within ${timeoutMs} ms` }));
  });
}

/** Whether host:port accepts a TCP connection before `timeoutMs` ends, trying again every 100 ms. */
export async function awaitTcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const left = deadline - Date.now();
    if ((await tcpConnect(host, port, Math.max(1, Math.min(1_000, left)))).open) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
