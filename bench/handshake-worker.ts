/**
 * One handshake loop of rootload's node client, run in a worker thread so that concurrency N uses
 * N threads, as `openssl s_time` at concurrency N uses N processes (one event loop cannot use two
 * cores). Runs for `seconds` from its own start and posts back { handshakes, failures, ms, userMs }:
 * its own run time and its thread's user CPU (`/proc/thread-self/stat`, read from this thread).
 */
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { CLIENTS } from "../harness/clients/index.ts";
import type { TestPki } from "../harness/pki/test-pki.ts";

const { host, port, tls, pki, seconds } = workerData as {
  host: string;
  port: number;
  tls: "1.2" | "1.3";
  pki: TestPki;
  seconds: number;
};
/** This thread's user CPU so far, ms (utime, field 14, in 10 ms ticks); 0 where /proc is absent. */
const userMs = () => {
  try {
    const s = readFileSync("/proc/thread-self/stat", "utf8");
    return Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[11]) * 10;
  } catch {
    return 0;
  }
};
const cpu0 = userMs();
const t0 = performance.now();
const until = t0 + seconds * 1000;
let handshakes = 0;
let failures = 0;
let last = "";
while (performance.now() < until) {
  const r = await CLIENTS.node.handshake({ host, port, tls, pki, timeoutMs: 5000 });
  if (r.outcome.class === "ok") handshakes++;
  else {
    failures++;
    last = JSON.stringify(r.outcome);
    if (failures > 5) break;
  }
}
parentPort!.postMessage({ handshakes, failures, last, ms: performance.now() - t0, userMs: userMs() - cpu0 });
