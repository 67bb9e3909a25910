import { tcpConnect } from "../../harness/runtime/tcp-connect.ts";

/** Whether something accepts a TCP connection on 127.0.0.1:port (bounded: 2 s unless told). */
export async function listening(port: number, timeoutMs = 2_000): Promise<boolean> {
  return (await tcpConnect("127.0.0.1", port, timeoutMs)).open;
}
