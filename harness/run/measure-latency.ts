import { Bench } from "tinybench";
import type { Latency } from "../model/case-result.ts";
import type { BenchSpec } from "../scenario/define-scenario.ts";

/**
 * Sample a handshake's latency with tinybench. The task throws when a handshake does not end
 * `ok`, so a flaky server shows up as an errored task instead of fast failures counted as speed.
 */
export async function measureLatency(
  handshake: () => Promise<boolean>,
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
  bench.add("handshake", async () => {
    if (!(await handshake())) throw new Error("handshake did not complete");
  });
  const t0 = performance.now();
  await bench.run();
  const wallMs = performance.now() - t0;
  const r = bench.tasks[0]!.result;
  if (r.state === "errored") return { error: r.error.message };
  if (r.state !== "completed") return { error: `benchmark ${r.state}` };
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    samples: r.latency.samplesCount,
    meanMs: round(r.latency.mean),
    p50Ms: round(r.latency.p50),
    p99Ms: round(r.latency.p99),
    // Handshakes per second of wall time, which is what concurrency changes.
    hz: round((r.latency.samplesCount / wallMs) * 1000),
  };
}
