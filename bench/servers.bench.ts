/**
 * Server timings: `node --import tsx bench/servers.bench.ts [--runtime auto|container|process] [--drivers a,b]`.
 * Per driver: start (ready to accept) and swap the root list (reload until the new list is
 * served, alternating a 3,000-byte and a 30,000-byte list). Medians in ms; figures are also
 * written to results/bench/servers-<runtime>.json.
 */
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Bench } from "tinybench";
import { sClient } from "../harness/clients/s-client.ts";
import { DRIVER_NAMES, type DriverName, type RuntimeChoice } from "../harness/model/names.ts";
import { sharedTestPki } from "../harness/pki/test-pki.ts";
import { resolveRuntime } from "../harness/runtime/resolve-runtime.ts";
import type { ServerDriver } from "../harness/servers/driver-contract.ts";
import { DRIVERS } from "../harness/servers/drivers/registry.ts";
import type { ServerConfig } from "../harness/servers/server-config.ts";
import type { StartedTlsServer } from "../harness/servers/started-tls-server.ts";
import { storeOfBytes } from "../test/fixtures/exact-size-roots.ts";
import { recordFigures } from "./record.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const runtime = await resolveRuntime((arg("--runtime") ?? "auto") as RuntimeChoice);
const only = arg("--drivers")?.split(",") as DriverName[] | undefined;
const pki = await sharedTestPki();
const small = await storeOfBytes(3_000, [pki.clientIssuerEntry]);
const large = await storeOfBytes(30_000, [pki.clientIssuerEntry]);
/** `all` on both versions where the driver can; otherwise what it expresses (mbedTLS: TLS 1.2; wolfSSL: none). */
function configFor(driver: ServerDriver): ServerConfig {
  const all = driver.capabilities.all;
  const policy = all["1.2"].supported || all["1.3"].supported ? "all" : "none";
  const tls = (["1.2", "1.3"] as const).filter((v) => driver.capabilities[policy][v].supported);
  return { store: small, policy: { kind: policy }, tls, clientAuth: "require", pki };
}

const figures: Record<string, { value: number; unit: string; note?: string }> = {};
/** Drivers whose reload keeps the process and is confirmed on the wire (containers/README.md "Reload"; the others restart). */
const DRIVER_RELOADS_IN_PLACE = new Set<string>(["nginx", "apache", "haproxy", "node"]);
const keyDir = mkdtempSync(path.join(tmpdir(), "rootload-bench-"));
const certFile = path.join(keyDir, "client.crt");
const keyFile = path.join(keyDir, "client.key");
writeFileSync(certFile, pki.client.certPem);
writeFileSync(keyFile, pki.client.keyPem);
const rows: {
  driver: string;
  "start p50 ms": string;
  "reload p50 ms": string;
  "reload before p50 ms"?: string;
  note?: string;
}[] = [];

try {
  for (const name of only ?? DRIVER_NAMES) {
    const driver = DRIVERS[name];
    const a = await driver.available(runtime);
    if (!a.ok) {
      rows.push({
        driver: name,
        "start p50 ms": "-",
        "reload p50 ms": "-",
        note: `unavailable: ${a.reason}`,
      });
      continue;
    }
    const config = configFor(driver);
    let started: StartedTlsServer | undefined;
    let server: StartedTlsServer | undefined;
    let flip = false;
    const opts = { time: 0, warmupIterations: 1, warmupTime: 0, throws: true } as const;
    const starts = new Bench({ ...opts, name: `${name} start`, iterations: 5 }).add(
      "start",
      async () => {
        started = await driver.start(config, runtime);
      },
      { afterEach: async () => void (await started?.stop()) },
    );
    // Reloads are cheaper than starts: more samples for the same time.
    const reloads = new Bench({ ...opts, name: `${name} reload`, iterations: 10 }).add(
      "reload",
      async () => {
        flip = !flip;
        await server!.reload(flip ? large : small);
      },
      {
        beforeAll: async () => {
          server = await driver.start(config, runtime);
        },
        afterAll: async () => void (await server?.stop()),
      },
    );
    // The reference for the reload figure: the check as it was before the probe-based one — the
    // server's own "done" log line, then `openssl s_client` spawned every 100 ms until it prints
    // the new list's name count. Only servers that reload in place have such a check.
    let flop = false;
    const inPlace = DRIVER_RELOADS_IN_PLACE.has(name);
    const before = new Bench({ ...opts, name: `${name} reload (s_client polled)`, iterations: 10 }).add(
      "reload",
      async () => {
        flop = !flop;
        const store = flop ? large : small;
        await server!.reload(store, undefined, { servedCheck: "none" });
        for (const until = Date.now() + 15_000; Date.now() < until; ) {
          const r = await sClient({
            host: server!.host,
            port: server!.port,
            tls: "1.2",
            cert: certFile,
            key: keyFile,
          });
          if (r.names?.length === store.count) return;
          await new Promise((res) => setTimeout(res, 100));
        }
        throw new Error(`${name}: s_client never saw ${store.count} names`);
      },
      {
        beforeAll: async () => {
          server = await driver.start(config, runtime);
        },
        afterAll: async () => void (await server?.stop()),
      },
    );
    await starts.run();
    await reloads.run();
    if (inPlace) await before.run();
    const p50 = (bench: Bench) => {
      const r = bench.tasks[0]!.result;
      return r.state === "completed" ? r.latency.p50 : Number.NaN;
    };
    figures[`${name} start`] = { value: Math.round(p50(starts)), unit: "ms" };
    figures[`${name} reload`] = {
      value: Math.round(p50(reloads)),
      unit: "ms",
      note: "3,000 ↔ 30,000-byte list",
    };
    if (inPlace) {
      figures[`${name} reload before`] = {
        value: Math.round(p50(before)),
        unit: "ms",
        note: "log line, then s_client polled every 100 ms (the former check)",
      };
      figures[`${name} reloadSpeedup`] = {
        value: Math.round((p50(before) / p50(reloads)) * 100) / 100,
        unit: "×",
        note: "before / after: probe looking again on the server's own log events",
      };
    }
    rows.push({
      driver: name,
      "start p50 ms": p50(starts).toFixed(0),
      "reload p50 ms": p50(reloads).toFixed(0),
      "reload before p50 ms": inPlace ? p50(before).toFixed(0) : "-",
    });
  }
} finally {
  await runtime.close();
  rmSync(keyDir, { recursive: true, force: true });
}

console.log(`runtime: ${runtime.kind}`);
console.table(rows);
recordFigures(`servers-${runtime.kind}`, figures);
