import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedTestPki } from "../../../harness/pki/test-pki.ts";
import { freePort } from "../../../harness/runtime/free-port.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import type { WatchPlan, WatchTarget } from "../../../harness/watch/load-targets.ts";
import type { Observation } from "../../../harness/watch/observe.ts";
import { Scheduler } from "../../../harness/watch/scheduler.ts";
import { type Changes, WatchState } from "../../../harness/watch/watch-state.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { type HostilePeer, startHostilePeer } from "../../fixtures/hostile-peer.ts";
import { type ListeningPeer, listenPeer } from "../../fixtures/listen-peer.ts";
import { opensslServer } from "../../support/openssl-driver.ts";

/**
 * A dead or hostile target costs one timeout and never the others' probes: the scheduler runs a
 * real s_server beside a silent TCP listener, hostile peers (stall, endless flight, a declared
 * 16 MiB message, garbage) and a closed port, two probes at a time, and the real server is probed
 * on its interval throughout.
 */
const INTERVAL_MS = 3_000;
const TIMEOUT_MS = 1_000;
const RUN_MS = 12_000;
/**
 * How late a timer may fire on a loaded machine (2 cores shared with other suites: load average 24
 * was seen): well under the interval, so a probe held past its timeout still fails.
 */
const LATE_MS = 1_000;

class RecordingState extends WatchState {
  readonly seen: Observation[] = [];
  override record(o: Observation): Changes {
    this.seen.push(o);
    return super.record(o);
  }
}

let runtime: ProcessRuntime;
let server: StartedTlsServer;
let silent: ListeningPeer;
const hostile: HostilePeer[] = [];
let closedPort: number;
let names: number;

const target = (name: string, port: number, tls: WatchTarget["tls"] = ["1.2"]): WatchTarget => ({
  name,
  host: "127.0.0.1",
  port,
  address: `127.0.0.1:${port}`,
  tls,
  issuers: [],
  clients: ["java"],
  expect: "ok",
  intervalMs: INTERVAL_MS,
  timeoutMs: TIMEOUT_MS,
});

beforeAll(async () => {
  const pki = await sharedTestPki();
  runtime = new ProcessRuntime();
  const store = await storeOfBytes(20_000, [pki.clientIssuerEntry]);
  names = store.entries.length;
  server = await opensslServer(pki, store.entries).start(runtime);
  silent = await listenPeer(() => {});
  for (const mode of ["stall", "endless-flight", "huge-message", "garbage"] as const)
    hostile.push(await startHostilePeer(mode));
  closedPort = await freePort();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await runtime?.close();
  await silent?.close();
  await Promise.all(hostile.map((h) => h.close()));
});

describe("watch scheduler against dead and hostile targets", () => {
  it("probes the real server on its interval while the others cost one timeout each", async () => {
    const plan: WatchPlan = {
      file: "(test)",
      concurrency: 2,
      targets: [
        target("silent", silent.port),
        target("stall", hostile[0]!.port),
        target("endless", hostile[1]!.port),
        target("huge", hostile[2]!.port),
        target("garbage", hostile[3]!.port),
        target("closed", closedPort),
        target("real", server.port, ["1.2", "1.3"]),
      ],
    };
    const state = new RecordingState();
    const scheduler = new Scheduler(plan, state, () => {});
    const heap0 = process.memoryUsage();
    scheduler.start();
    let peakRss = heap0.rss;
    const t0 = Date.now();
    while (Date.now() - t0 < RUN_MS) {
      await new Promise((r) => setTimeout(r, 250));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    await scheduler.stop();
    const stopMs = Date.now() - t0 - RUN_MS;
    const heap1 = process.memoryUsage();
    const of = (name: string, tls = "1.2") => state.seen.filter((o) => o.target === name && o.tls === tls);

    let widest = 0;
    for (const tls of ["1.2", "1.3"]) {
      const real = of("real", tls);
      // Due at 0, 3, 6, 9 s: four rounds in 12 s, each at most one timeout late.
      expect(real.length, `real TLS ${tls}`).toBeGreaterThanOrEqual(Math.floor(RUN_MS / INTERVAL_MS));
      expect(real.every((o) => o.success && o.list?.keys.length === names)).toBe(true);
      const gaps = real.slice(1).map((o, i) => o.at - real[i]!.at);
      for (const g of gaps) expect(g).toBeLessThanOrEqual(INTERVAL_MS + TIMEOUT_MS + LATE_MS);
      widest = Math.max(widest, ...gaps);
    }
    // Each bad target: one timeout at most per probe, never a success, and probed again on its interval.
    for (const name of ["silent", "stall", "endless", "huge", "garbage", "closed"]) {
      const obs = of(name);
      expect(obs.length, name).toBeGreaterThanOrEqual(3);
      for (const o of obs) {
        expect(o.success, name).toBe(false);
        expect(o.durationMs, `${name}: ${o.outcome.class}`).toBeLessThanOrEqual(TIMEOUT_MS + LATE_MS);
      }
    }
    expect(of("silent")[0]!.outcome.class).toBe("timeout");
    expect(of("stall")[0]!.outcome.class).toBe("timeout");
    expect(of("closed")[0]!.outcome.class).toBe("server-error");
    // A peer that never stops sending is cut at the probe's flight bound, not read forever.
    expect(["malformed", "excessive-size", "timeout"]).toContain(of("endless")[0]!.outcome.class);
    // Stopping waits only for the probes in flight: at most one timeout.
    expect(stopMs).toBeLessThanOrEqual(TIMEOUT_MS + LATE_MS);
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(
      `watch hostile: ${state.seen.length} probes in ${RUN_MS} ms; widest gap between the real server's probes ${widest} ms (interval ${INTERVAL_MS}); heap ${mb(heap0.heapUsed)} → ${mb(heap1.heapUsed)} MiB, rss ${mb(heap0.rss)} → peak ${mb(peakRss)} MiB; durations (ms) ${[
        ...new Set(state.seen.map((o) => o.target)),
      ]
        .map((k) => {
          const v = state.seen.filter((o) => o.target === k);
          return `${k} ${Math.max(...v.map((o) => o.durationMs))} (${v[0]!.outcome.class})`;
        })
        .join(", ")}`,
    );
    // Bounded: each probe reads at most 1 MiB; two in flight.
    expect(peakRss - heap0.rss).toBeLessThan(128 * 1024 * 1024);
  }, 60_000);
});
