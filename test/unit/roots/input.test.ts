import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readInputFile } from "../../../harness/roots/input.ts";

const dir = mkdtempSync(path.join(tmpdir(), "rootload-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readInputFile: a whole regular file, or a one-line refusal naming it", () => {
  it("reads a file byte for byte, and a size-0 file with content (/proc) to its end", () => {
    const f = path.join(dir, "bytes.bin");
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    writeFileSync(f, bytes);
    expect(Buffer.from(readInputFile(f)).equals(bytes)).toBe(true);
    const proc = readInputFile("/proc/self/status");
    expect(Buffer.from(proc).toString("latin1")).toMatch(/^Name:/);
  });

  it("refuses a FIFO at once (no writer), a directory, a socket, a missing and an empty file", async () => {
    const fifo = path.join(dir, "roots.pem");
    execFileSync("mkfifo", [fifo]);
    expect(() => readInputFile(fifo)).toThrow(
      /roots\.pem: is not a regular file \(a FIFO, socket or device\)$/,
    );
    expect(() => readInputFile(dir)).toThrow(/: is a directory, expected a file$/);
    expect(() => readInputFile("/dev/null")).toThrow(/\/dev\/null: is not a regular file/);
    expect(() => readInputFile(path.join(dir, "nope.pem"))).toThrow(/nope\.pem: no such file$/);
    const empty = path.join(dir, "empty.pem");
    writeFileSync(empty, "");
    expect(() => readInputFile(empty)).toThrow(/empty\.pem: empty file$/);
    const sock = path.join(dir, "s.sock");
    const server = createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      expect(() => readInputFile(sock)).toThrow(/s\.sock: is not a regular file/);
    } finally {
      server.close();
    }
    // The FIFO is still a FIFO: nothing was written into it or put in its place.
    expect(execFileSync("stat", ["-c", "%F", fifo], { encoding: "utf8" }).trim()).toBe("fifo");
  });
});
