/**
 * Probe benchmarks (tinybench). Run: node --import tsx bench/probe.bench.ts
 *  1. parsing a CertificateRequest whose CA list is exactly 65,535 bytes (512 names), target ≤ 1 ms;
 *  2. the probe's round trip against `openssl s_client` on the same `openssl s_server`, as a ratio;
 * The node client against `openssl s_time -new` is bench/handshake.bench.ts.
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import { Bench } from "tinybench";
import { sharedTestPki } from "../harness/pki/test-pki.ts";
import { parseCertificateRequest12 } from "../harness/probe/certificate-request.ts";
import { probe } from "../harness/probe/probe.ts";
import { RootEntry } from "../harness/roots/root-store.ts";
import { ProcessRuntime } from "../harness/runtime/process-runtime.ts";
import { syntheticCaList } from "../test/fixtures/synthetic-roots.ts";
import { hexFixture } from "../test/support/hex-fixture.ts";
import { opensslServer } from "../test/support/openssl-driver.ts";
import { recordFigures } from "./record.ts";

const cr = hexFixture("tls12-certificate-request-65535").subarray(4);
if (parseCertificateRequest12(cr).authoritiesBytes !== 65_535) throw new Error("fixture is not 65,535 bytes");

const parse = new Bench({ name: "parse", time: 2000, warmup: true });
parse.add("parse 65,535-byte CA list (512 names, RFC 4514 text)", () => {
  parseCertificateRequest12(cr);
});
await parse.run();

/** One `openssl s_client` run that stops at the CertificateRequest's names (stdin closed). */
function sClient(port: number, tls: "1.2" | "1.3"): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${port}`, tls === "1.3" ? "-tls1_3" : "-tls1_2"],
      {
        stdio: ["ignore", "ignore", "ignore"],
      },
    );
    c.once("error", reject);
    c.once("close", () => resolve());
  });
}

function spawnOnly(): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn("openssl", ["version"], { stdio: "ignore" });
    c.once("error", reject);
    c.once("close", () => resolve());
  });
}

const mean = (b: Bench, name: string) => {
  const t = b.tasks.find((x) => x.name === name)!;
  const r = t.result as { latency?: { mean: number }; mean?: number };
  return r.latency?.mean ?? r.mean ?? Number.NaN;
};

const pki = await sharedTestPki();
const list = syntheticCaList(65_481).map((d) => new RootEntry(d));
const runtime = new ProcessRuntime();
const server = await opensslServer(pki, list).start(runtime);
const rt = new Bench({ name: "round trip", time: 3000, warmup: true });
try {
  for (const tls of ["1.2", "1.3"] as const) {
    rt.add(`probe TLS ${tls} (65,481-byte list)`, async () => {
      const r = await probe({ host: "127.0.0.1", port: server.port, tls });
      if (r.outcome.class !== "ok") throw new Error(JSON.stringify(r.outcome));
    });
    rt.add(`openssl s_client TLS ${tls} (same server)`, () => sClient(server.port, tls));
  }
  // What part of s_client's time is process start: the ratio net of it is printed too.
  rt.add("openssl version (process start only)", () => spawnOnly());
  await rt.run();
} finally {
  await server.stop();
  await runtime.close();
}

console.table(parse.table());
console.table(rt.table());
const parseMs = mean(parse, parse.tasks[0]!.name);
console.log(
  `parse 65,535-byte list: ${parseMs.toFixed(3)} ms mean (target ≤ 1 ms): ${parseMs <= 1 ? "met" : "MISSED"}`,
);
const start = mean(rt, "openssl version (process start only)");
for (const tls of ["1.2", "1.3"]) {
  const p = mean(rt, `probe TLS ${tls} (65,481-byte list)`);
  const o = mean(rt, `openssl s_client TLS ${tls} (same server)`);
  console.log(
    `TLS ${tls}: probe ${p.toFixed(2)} ms, s_client ${o.toFixed(2)} ms, ratio probe/s_client ${(p / o).toFixed(3)}` +
      ` (s_client net of process start ${start.toFixed(2)} ms: ratio ${(p / Math.max(o - start, 0.001)).toFixed(3)})`,
  );
}
// The node client against \`openssl s_time\` (500 real roots, concurrency 1 and 2) is bench/handshake.bench.ts.
const ratio = (tls: string) =>
  mean(rt, `probe TLS ${tls} (65,481-byte list)`) / mean(rt, `openssl s_client TLS ${tls} (same server)`);
recordFigures("probe", {
  parseCaList65535Ms: { value: Number(parseMs.toFixed(3)), unit: "ms", goal: "≤ 1" },
  probeRoundTripRatioTls12: {
    value: Number(ratio("1.2").toFixed(3)),
    unit: "ratio",
    note: "probe / openssl s_client, same s_server, 65,481-byte list",
  },
  probeRoundTripRatioTls13: {
    value: Number(ratio("1.3").toFixed(3)),
    unit: "ratio",
    note: "probe / openssl s_client, same s_server, 65,481-byte list",
  },
});
