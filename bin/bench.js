#!/usr/bin/env node
// `npm run bench [-- name...]`: run each bench/*.bench.ts in its own process, one after another
// (they share 2 cores; running them together would measure contention), then join their
// figures into results/bench/latest.json.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "..");
const benchDir = path.join(repo, "bench");
const outDir = path.join(repo, "results/bench");
const wanted = process.argv.slice(2);
const scripts = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, "")))
  .sort();
if (scripts.length === 0) {
  console.error(`bench: no bench scripts match ${wanted.join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const f of scripts) {
  console.log(`\n== ${f}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(benchDir, f)], {
    cwd: repo,
    stdio: "inherit",
    timeout: 15 * 60_000,
  });
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
