/**
 * Handshake rate of rootload's node client against `openssl s_time -new` on the same server, in
 * the same run: `node --import tsx bench/handshake.bench.ts` (or `npm run bench -- handshake`).
 * Servers: openssl s_server (process), then every server of the growth sweep (nginx, apache,
 * haproxy, stunnel, openssl, gnutls, node) in containers when the engine and image are there (else
 * as local processes); `--servers a,b` keeps some (any driver name, e.g. java, caddy). 500 real
 * roots advertised (Microsoft CTL 2025-06-16 in CTL order), TLS 1.2 and 1.3, concurrency 1 and 2
 * (s_time: N processes; rootload: N worker threads). handshakeRateRatio = rootload / s_time;
 * goals ≥ 0.9 at 1, ≥ 1.0 at 2. A server that will not start is reported and skipped.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { identityFiles } from "../harness/clients/pki-files.ts";
import type { DriverName } from "../harness/model/names.ts";
import type { TlsVersion } from "../harness/model/tls.ts";
import { sharedTestPki } from "../harness/pki/test-pki.ts";
import { growthSeries } from "../harness/roots/growth.ts";
import { loadRoots } from "../harness/roots/load.ts";
import { resolveRuntime } from "../harness/runtime/resolve-runtime.ts";
import type { Runtime } from "../harness/runtime/runtime.ts";
import { DRIVERS } from "../harness/servers/drivers/registry.ts";
import type { StartedTlsServer } from "../harness/servers/started-tls-server.ts";
import { type Figure, recordFigures } from "./record.ts";

const SECONDS = Number(process.env.ROOTLOAD_BENCH_SECONDS ?? 4);
const ROOTS = path.resolve(import.meta.dirname, "../data/rootstores/microsoft/2025-06-16/authroot.stl");

interface Rate {
  handshakes: number;
  perSecond: number;
  /** User CPU of the client per handshake, ms (s_time: its own report; rootload: the worker threads'). */
  userCpuMs: number;
}

/** Loops that ran side by side: their rates add up (each measured over its own run time). */
function combined(loops: { n: number; ms: number; userMs: number }[]): Rate {
  const handshakes = loops.reduce((n, l) => n + l.n, 0);
  return {
    handshakes,
    perSecond: loops.reduce((r, l) => r + (l.n * 1000) / l.ms, 0),
    userCpuMs: loops.reduce((u, l) => u + l.userMs, 0) / Math.max(1, handshakes),
  };
}

/**
 * `openssl s_time -new` for SECONDS, `concurrency` processes at once. Each process's time is taken
 * here, from spawn to exit: s_time's own "N connections in M real seconds" truncates M to whole
 * seconds (4.9 s prints 4), up to 25 % off at 4 s.
 */
async function sTime(
  port: number,
  tls: TlsVersion,
  concurrency: number,
  cert: string,
  key: string,
): Promise<Rate> {
  const one = () =>
    new Promise<{ n: number; ms: number; userMs: number }>((resolve, reject) => {
      const args = [
        "s_time",
        "-connect",
        `127.0.0.1:${port}`,
        "-new",
        "-time",
        String(SECONDS),
        "-cert",
        cert,
        "-key",
        key,
      ];
      args.push(tls === "1.2" ? "-tls1_2" : "-tls1_3");
      const t0 = performance.now();
      const p = spawn("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      p.stdout.on("data", (d) => (out += d));
      const timer = setTimeout(() => p.kill("SIGKILL"), (SECONDS + 20) * 1000);
      p.on("close", () => {
        clearTimeout(timer);
        const ms = performance.now() - t0;
        // "1234 connections in 1.23s; 1003.25 connections/user sec, ..." (1.23 s of user CPU)
        const m = /(\d+) connections in ([\d.]+)s;/.exec(out);
        if (m) resolve({ n: Number(m[1]), ms, userMs: Number(m[2]) * 1000 });
        else reject(new Error(`s_time printed no result: ${out.slice(-300)}`));
      });
    });
  return combined(await Promise.all(Array.from({ length: concurrency }, one)));
}

/**
 * rootload's node client: full handshakes with the client certificate, one loop per worker thread
 * (`concurrency` threads, matching s_time's `concurrency` processes). Each loop times itself once
 * its thread is up (starting a worker with the TS loader takes a few hundred ms, which is not
 * handshaking), and reports its thread's user CPU.
 */
async function rootloadRate(server: StartedTlsServer, tls: TlsVersion, concurrency: number): Promise<Rate> {
  const pki = await sharedTestPki();
  // TestPki holds a RootEntry (a class): send the plain parts the client needs.
  const plainPki = { ...pki, clientIssuerEntry: undefined };
  const results = await Promise.all(
    Array.from(
      { length: concurrency },
      () =>
        new Promise<{ handshakes: number; failures: number; last: string; ms: number; userMs: number }>(
          (resolve, reject) => {
            const w = new Worker(new URL("./handshake-worker.mjs", import.meta.url), {
              workerData: { host: server.host, port: server.port, tls, pki: plainPki, seconds: SECONDS },
            });
            w.once("message", resolve);
            w.once("error", reject);
          },
        ),
    ),
  );
  const failed = results.find((r) => r.failures > 5);
  if (failed) throw new Error(`handshakes fail: ${failed.last}`);
  return combined(results.map((r) => ({ n: r.handshakes, ms: r.ms, userMs: r.userMs })));
}

/** The growth sweep's servers. */
const DEFAULT_SERVERS: DriverName[] = ["nginx", "apache", "haproxy", "stunnel", "openssl", "gnutls", "node"];

function serversOption(): DriverName[] | undefined {
  let servers: string | undefined;
  try {
    ({
      values: { servers },
    } = parseArgs({ options: { servers: { type: "string" } }, strict: true }));
  } catch (err) {
    console.error(`handshake bench: ${(err as Error).message}`);
    process.exit(2);
  }
  if (!servers) return undefined;
  const list = servers.split(",").map((s) => s.trim());
  for (const s of list)
    if (!(s in DRIVERS)) {
      console.error(`handshake bench: --servers "${s}" is not one of ${Object.keys(DRIVERS).join(", ")}`);
      process.exit(2);
    }
  return list as DriverName[];
}

async function main() {
  const pki = await sharedTestPki();
  const base = loadRoots({ kind: "ctl", path: ROOTS, includeDisabled: true });
  const [step] = growthSeries(base, { by: "count", counts: [500], clientIssuer: pki.clientIssuerEntry });
  const store = step!.store;
  const { cert, key } = identityFiles(pki.client);
  const figures: Record<string, Figure> = {};
  const rows: Record<string, string | number>[] = [];
  const runtimes: Record<string, Runtime> = { process: await resolveRuntime("process") };
  const auto = await resolveRuntime("auto");
  runtimes[auto.kind] = auto;
  const wanted = serversOption();
  const plan: { driver: DriverName; runtime: Runtime }[] = [
    { driver: "openssl" as const, runtime: runtimes.process! },
    ...(wanted ?? DEFAULT_SERVERS).map((driver) => ({ driver, runtime: auto })),
  ].filter((p) => !wanted || wanted.includes(p.driver));
  try {
    for (const { driver, runtime } of plan) {
      const avail = await DRIVERS[driver].available(runtime);
      if (!avail.ok) {
        console.log(`${driver} (${runtime.kind}): unavailable: ${avail.reason}`);
        continue;
      }
      let server: StartedTlsServer;
      try {
        server = await DRIVERS[driver].start(
          { store, policy: { kind: "all" }, tls: ["1.2", "1.3"], clientAuth: "require", pki },
          runtime,
        );
      } catch (err) {
        console.log(`${driver} (${runtime.kind}): did not start: ${(err as Error).message.split("\n")[0]}`);
        continue;
      }
      try {
        for (const tls of ["1.2", "1.3"] as const) {
          for (const concurrency of [1, 2]) {
            const ref = await sTime(server.port, tls, concurrency, cert, key);
            const ours = await rootloadRate(server, tls, concurrency);
            const ratio = ours.perSecond / ref.perSecond;
            const id = `${driver}.${runtime.kind}.tls${tls}.c${concurrency}`;
            figures[`handshakeRateRatio.${id}`] = {
              value: Math.round(ratio * 1000) / 1000,
              unit: "ratio",
              goal: concurrency === 1 ? "≥ 0.9" : "≥ 1.0",
              note: `rootload ${ours.perSecond.toFixed(1)}/s vs s_time ${ref.perSecond.toFixed(1)}/s; client user CPU ${ours.userCpuMs.toFixed(2)} vs ${ref.userCpuMs.toFixed(2)} ms per handshake (${runtime.kind}, ${store.count} roots, ${store.caListBytes} B)`,
            };
            rows.push({
              server: `${driver} (${runtime.kind})`,
              tls,
              concurrency,
              "s_time /s": ref.perSecond.toFixed(1),
              "rootload /s": ours.perSecond.toFixed(1),
              "s_time user ms/hs": ref.userCpuMs.toFixed(2),
              "rootload user ms/hs": ours.userCpuMs.toFixed(2),
              ratio: ratio.toFixed(3),
            });
          }
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    for (const r of new Set(Object.values(runtimes))) await r.close();
  }
  console.table(rows);
  recordFigures("handshake", figures);
}

await main();
