/**
 * One handshake loop of rootload's node client, run in a worker thread so that concurrency N uses
 * N threads, as `openssl s_time` at concurrency N uses N processes (one event loop cannot use two
 * cores). Posts back { handshakes, failures }.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CLIENTS } from "../harness/clients/index.ts";
import type { TestPki } from "../harness/pki/test-pki.ts";

const { host, port, tls, pki, until } = workerData as {
  host: string;
  port: number;
  tls: "1.2" | "1.3";
  pki: TestPki;
  until: number;
};
let handshakes = 0;
let failures = 0;
let last = "";
while (Date.now() < until) {
  const r = await CLIENTS.node.handshake({ host, port, tls, pki, timeoutMs: 5000 });
  if (r.outcome.class === "ok") handshakes++;
  else {
    failures++;
    last = JSON.stringify(r.outcome);
    if (failures > 5) break;
  }
}
parentPort!.postMessage({ handshakes, failures, last });
