import { describe, expect, it } from "vitest";
import { EngineError } from "../../../harness/errors.ts";
import { LogBuffer } from "../../../harness/runtime/log-buffer.ts";

describe("LogBuffer", () => {
  it("waits for a line written after a position", async () => {
    const b = new LogBuffer();
    b.append("start worker process 1\n");
    const from = b.length;
    const wait = b.waitFor(/start worker/, from, 1_000, "nginx");
    b.append("reconfiguring\nstart worker process 2\n");
    await expect(wait).resolves.toBeUndefined();
    expect(b.since(from)).toContain("process 2");
  });

  it("fails naming the pattern and the time waited", async () => {
    const b = new LogBuffer();
    await expect(b.waitFor(/never/, 0, 50, "x")).rejects.toThrow(
      /log message \/never\/ not received after 50ms/,
    );
  });

  it("fails at once when the process ends", async () => {
    const b = new LogBuffer();
    const wait = b.waitFor(/ready/, 0, 10_000, "x");
    b.close();
    await expect(wait).rejects.toBeInstanceOf(EngineError);
  });

  it("keeps positions across dropped output", () => {
    const b = new LogBuffer(10);
    b.append("0123456789abcdef");
    expect(b.length).toBe(16);
    expect(b.since(12)).toBe("cdef");
  });
});
