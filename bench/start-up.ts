import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import type { Figure } from "./record.ts";

const repoRoot = path.resolve(import.meta.dirname, "..");
const BIN = path.join(repoRoot, "bin/rootload.js");

/** What a pre-commit hook or CI step pays at every call, as whole processes. */
export interface StartUpCommand {
  name: string;
  args: string[];
}

/**
 * Whole-process start-up of rootload commands as a ratio to `node -e 0` measured in the same run,
 * the way the installed package runs: the bench builds dist/ first (`npm run build`) and runs it
 * with ROOTLOAD_FROM=dist, so a checkout's tsx start-up is not what is measured and a stale dist/
 * cannot be. Runs are interleaved (node, each command, node, …) so a busy machine slows all
 * alike; medians of `runs`.
 */
export function measureStartUp(commands: StartUpCommand[], runs = 5): Record<string, Figure> {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: repoRoot, stdio: "inherit", timeout: 300_000 });
  const env = { ...process.env, ROOTLOAD_FROM: "dist" };
  const time = (args: string[]): number => {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, env, stdio: "ignore", timeout: 60_000 });
    if (r.error || r.signal)
      throw new Error(`start-up bench: node ${args.join(" ")}: ${r.error ?? r.signal}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const samples = new Map<string, number[]>([["node -e 0", []]]);
  for (const c of commands) samples.set(c.name, []);
  for (let i = 0; i < runs; i++) {
    samples.get("node -e 0")!.push(time(["-e", "0"]));
    for (const c of commands) samples.get(c.name)!.push(time([BIN, ...c.args]));
  }
  const base = median(samples.get("node -e 0")!);
  const figures: Record<string, Figure> = {
    "start-up node -e 0": { value: round(base), unit: "ms", note: `median of ${runs}` },
  };
  for (const c of commands) {
    const ms = median(samples.get(c.name)!);
    figures[`start-up ${c.name}`] = { value: round(ms), unit: "ms", note: `median of ${runs}` };
    figures[`start-up ${c.name} ÷ node -e 0`] = { value: round(ms / base), unit: "ratio", goal: "≤ 2.5" };
  }
  return figures;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const round = (x: number) => Number(x.toFixed(2));
