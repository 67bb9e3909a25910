import { describe, expect, it } from "vitest";
import { ReadWriteLock } from "../../../harness/run/read-write-lock.ts";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("ReadWriteLock", () => {
  it("lets readers overlap and keeps a writer alone", async () => {
    const lock = new ReadWriteLock();
    const events: string[] = [];
    let inside = 0;
    let maxReaders = 0;
    const reader = (n: number) =>
      lock.read(async () => {
        inside++;
        maxReaders = Math.max(maxReaders, inside);
        events.push(`r${n}+`);
        await tick();
        events.push(`r${n}-`);
        inside--;
      });
    const writer = (n: number) =>
      lock.write(async () => {
        expect(inside, "no reader while a writer holds the lock").toBe(0);
        events.push(`w${n}+`);
        await tick();
        events.push(`w${n}-`);
      });
    await Promise.all([reader(1), reader(2), writer(1), reader(3), writer(2), reader(4)]);
    expect(maxReaders).toBe(2);
    // Arrival order: r1 r2 together; w1 after them; r3 after w1 (not let in ahead of it); then w2; then r4.
    expect(events).toEqual([
      "r1+",
      "r2+",
      "r1-",
      "r2-",
      "w1+",
      "w1-",
      "r3+",
      "r3-",
      "w2+",
      "w2-",
      "r4+",
      "r4-",
    ]);
    expect(lock.state).toEqual({ readers: 0, writer: false, waiting: 0 });
  });

  it("releases on a thrown error", async () => {
    const lock = new ReadWriteLock();
    await expect(
      lock.write(async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await expect(lock.read(async () => 1)).resolves.toBe(1);
    expect(lock.state.writer).toBe(false);
  });
});
