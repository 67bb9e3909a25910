import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { awaitTcpOpen, tcpConnect } from "../../../harness/runtime/tcp-connect.ts";

describe("tcpConnect: the one TCP probe", () => {
  it("says open while something listens, and ECONNREFUSED once it stopped", async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    expect(await tcpConnect("127.0.0.1", port, 2_000)).toEqual({ open: true });
    expect(await awaitTcpOpen("127.0.0.1", port, 2_000)).toBe(true);
    await new Promise((r) => server.close(r));
    expect(await tcpConnect("127.0.0.1", port, 2_000)).toEqual({ open: false, why: "ECONNREFUSED" });
    expect(await awaitTcpOpen("127.0.0.1", port, 300)).toBe(false);
  });
});
