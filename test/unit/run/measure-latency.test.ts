import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { measureLatency } from "../../../harness/run/measure-latency.ts";

/**
 * A client that starts a process per handshake, or waits for a TLS 1.3 verdict after it, spends
 * far longer in its call than in its handshake. The latency is the client's own handshake figure.
 */
describe("measureLatency", () => {
  it("reports the clients' own handshake times, not the time around the call", async () => {
    let n = 0;
    const m = await measureLatency(
      async () => {
        await sleep(20); // a process start, a verdict wait: not the handshake
        n += 1;
        return { ok: true, ms: n % 2 === 0 ? 2 : 4 };
      },
      { time: 1, iterations: 4 },
    );
    if ("error" in m) throw new Error(m.error);
    expect(m.samples).toBe(n);
    expect(m.p50Ms).toBeGreaterThanOrEqual(2);
    expect(m.p50Ms).toBeLessThanOrEqual(4);
    expect(m.p99Ms).toBeLessThanOrEqual(4);
    expect(m.meanMs).toBeCloseTo(3, 0);
    expect(m.clock).toBe("handshake");
  });

  it("says when a figure counts a process start", async () => {
    const m = await measureLatency(async () => ({ ok: true, ms: 60, includesProcessStart: true }), {
      time: 1,
      iterations: 3,
    });
    expect(m).toMatchObject({ clock: "process", p50Ms: 60 });
  });

  it("a handshake that fails while sampling is an error, not a fast sample", async () => {
    const m = await measureLatency(async () => ({ ok: false, ms: 1 }), { time: 1, iterations: 3 });
    expect(m).toHaveProperty("error");
  });
});

describe("measureLatency with samples of both clocks", () => {
  it("leaves out the samples that counted a process start while others timed the handshake", async () => {
    let n = 0;
    const m = await measureLatency(
      async () => {
        n += 1;
        return n % 3 === 0 ? { ok: true, ms: 70, includesProcessStart: true } : { ok: true, ms: 5 };
      },
      { time: 1, iterations: 9 },
    );
    expect(m).toMatchObject({ clock: "handshake", p50Ms: 5, p99Ms: 5 });
    if (!("error" in m)) expect(m.samples).toBeLessThan(n);
  });
});
