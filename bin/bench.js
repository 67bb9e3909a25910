#!/usr/bin/env node
// `npm run bench [-- name... [--option value...]]`: run each bench/*.bench.ts in its own process,
// one after another (they share 2 cores; running them together would measure contention), then
// join their figures into results/bench/latest.json. `--help` lists the benches and their options.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const HELP = `usage: npm run bench [-- [name...] [options]]
       node bin/bench.js [name...] [options]

Runs bench/<name>.bench.ts one at a time (all when no name is given) and joins their figures into
results/bench/latest.json (a bench not run keeps its figures from its last run). Options after the
names go to every named bench, so name the bench they are for.

benches:
  growth     the growth sweep, serial and parallel: speedup and latency agreement; every
             serial run's cost (growthCoreSeconds, the engine's share)
               --sections speedup,latency   which figures (default both): speedup runs serial
                                            then parallel; latency runs serial A, parallel,
                                            serial B and judges the parallel p50s against the
                                            A/B noise floor; functional runs serial A and a
                                            serial --no-latency sweep (same cases? its cost)
               --servers nginx,openssl      only these servers of the scenario (a quick check)
               --jobs N                     parallel run's jobs (default 2 × cores)
  handshake  rootload's node client vs openssl s_time, handshakes per second, per server
               --servers openssl,nginx,...  which servers (default: every one the bench knows)
  probe      the CertificateRequest parser and probe vs s_client
  roots      CTL loading and check
  servers    start and reload times per server
               --runtime auto|container|process  --drivers nginx,apache,...

examples:
  npm run bench -- growth --sections latency          re-measure latency agreement only
  npm run bench -- growth --sections speedup          re-measure the parallel speedup only
  npm run bench -- growth --sections functional       a sweep's cost with and without latency
  npm run bench -- handshake --servers nginx          handshakeRateRatio on nginx only
`;

const repo = path.resolve(import.meta.dirname, "..");
const benchDir = path.join(repo, "bench");
const outDir = path.join(repo, "results/bench");
const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(HELP);
  process.exit(0);
}
const firstOption = argv.findIndex((a) => a.startsWith("-"));
const wanted = firstOption < 0 ? argv : argv.slice(0, firstOption);
const forwarded = firstOption < 0 ? [] : argv.slice(firstOption);
const known = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""));
for (const w of wanted)
  if (!known.includes(w)) {
    console.error(`bench: "${w}" is not one of ${known.join(", ")}`);
    process.exit(2);
  }
if (forwarded.length && wanted.length === 0) {
  console.error(`bench: name the bench ${forwarded.join(" ")} is for (see --help)`);
  process.exit(2);
}
const scripts = known
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort()
  .map((n) => `${n}.bench.ts`);
let failed = 0;
for (const f of scripts) {
  console.log(`\n== ${f}${forwarded.length ? ` ${forwarded.join(" ")}` : ""}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(benchDir, f), ...forwarded], {
    cwd: repo,
    stdio: "inherit",
    timeout: 60 * 60_000,
  });
  if (r.status === 2) process.exit(2);
  if (r.status !== 0) {
    failed++;
    console.error(`bench: ${f} failed (${r.signal ?? `exit ${r.status}`})`);
  }
}
mkdirSync(outDir, { recursive: true });
const latest = { measuredAt: new Date().toISOString(), benches: {} };
for (const f of readdirSync(outDir)
  .filter((f) => f.endsWith(".json") && f !== "latest.json")
  .sort()) {
  const doc = JSON.parse(readFileSync(path.join(outDir, f), "utf8"));
  latest.benches[doc.name] = doc;
}
writeFileSync(path.join(outDir, "latest.json"), `${JSON.stringify(latest, null, 2)}\n`);
console.log(`\nbench: figures in ${path.relative(process.cwd(), path.join(outDir, "latest.json"))}`);
for (const [name, doc] of Object.entries(latest.benches))
  for (const [k, fig] of Object.entries(doc.figures))
    console.log(`  ${name}.${k}: ${fig.value} ${fig.unit}${fig.goal ? ` (goal ${fig.goal})` : ""}`);
process.exit(failed > 0 ? 1 : 0);
