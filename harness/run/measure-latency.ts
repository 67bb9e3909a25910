import { Bench } from "tinybench";
import type { Latency } from "../model/case-result.ts";
import type { BenchSpec } from "../scenario/define-scenario.ts";

/** One sampled handshake as the client timed it. */
export interface TimedHandshake {
  ok: boolean;
  /** The client's own figure: connect to handshake done, ms. */
  ms: number;
  /** The figure also counts starting the client's process. */
  includesProcessStart?: true;
}

/** Quantile q (0..1) of sorted values, linear between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * Sample a handshake's latency; tinybench schedules the handshakes (time budget, minimum count,
 * concurrency). The figures are the clients' own handshake times, not the time around the call: a
 * client that starts a process per handshake or waits for a TLS 1.3 verdict after it would
 * otherwise report its start-up and its wait as latency. The task throws when a handshake does
 * not end `ok`, so a flaky server shows up as an errored task instead of fast failures counted as speed.
 */
export async function measureLatency(
  handshake: () => Promise<TimedHandshake>,
  spec: BenchSpec = {},
): Promise<Latency | { error: string }> {
  const concurrency = spec.concurrency ?? 1;
  const bench = new Bench({
    time: spec.time ?? 300,
    iterations: spec.iterations ?? 10,
    warmup: false,
    throws: false,
    ...(concurrency > 1 ? { concurrency: "task" as const, threshold: concurrency } : {}),
  });
  const handshakes: number[] = [];
  const withStart: number[] = [];
  bench.add("handshake", async () => {
    const h = await handshake();
    if (!h.ok) throw new Error("handshake did not complete");
    (h.includesProcessStart ? withStart : handshakes).push(h.ms);
  });
  const t0 = performance.now();
  await bench.run();
  const wallMs = performance.now() - t0;
  const r = bench.tasks[0]!.result;
  if (r.state === "errored") return { error: r.error.message };
  if (r.state !== "completed") return { error: `benchmark ${r.state}` };
  // A command-line client's output sometimes comes in one read, so that a sample cannot tell
  // its connect from its process start: such samples are left out while any other was timed.
  const processStart = handshakes.length === 0;
  const times = processStart ? withStart : handshakes;
  if (times.length === 0) return { error: "no handshake was timed" };
  const sorted = [...times].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    samples: sorted.length,
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    // Handshakes per second of wall time, which is what concurrency changes.
    hz: round((sorted.length / wallMs) * 1000),
    clock: processStart ? "process" : "handshake",
  };
}
