import { describe, expect, it } from "vitest";
import { defaultJobs, runConcurrently } from "../../../harness/run/parallel-series.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runConcurrently", () => {
  it("keeps at most `jobs` in flight, starts the biggest first and runs every item", async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    await runConcurrently(
      [1, 5, 2, 4, 3],
      2,
      (n) => n,
      async (n) => {
        started.push(n);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(n * 3);
        inFlight--;
      },
    );
    expect(peak).toBe(2);
    expect(started.slice(0, 2)).toEqual([5, 4]);
    expect([...started].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("attempts every item before throwing the first error", async () => {
    const done: number[] = [];
    await expect(
      runConcurrently(
        [1, 2, 3],
        3,
        () => 1,
        async (n) => {
          if (n === 1) throw new Error("series 1 failed");
          await sleep(5);
          done.push(n);
        },
      ),
    ).rejects.toThrow("series 1 failed");
    expect(done.sort()).toEqual([2, 3]);
  });

  it("defaults to twice the cores, at least 2", () => {
    expect(defaultJobs(1)).toBe(2);
    expect(defaultJobs(2)).toBe(4);
    expect(defaultJobs(8)).toBe(16);
  });
});
