import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../harness/model/case-result.ts";
import { runCli, startCli } from "../support/cli.ts";
import { listening } from "../support/listening.ts";

const lines = (file: string) =>
  existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];

async function waitForCases(dir: () => string | undefined, n: number, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const d = dir();
    if (d && lines(path.join(d, "cases.jsonl")).length >= n) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${n} cases written after ${timeoutMs}ms`);
}

/** Ports from the run's "server started" debug lines (JSON log on stderr). */
function serverPorts(stderr: string): number[] {
  const ports = new Set<number>();
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const j = JSON.parse(line) as { msg?: string; port?: number };
      if (j.msg === "server started" && typeof j.port === "number") ports.add(j.port);
    } catch {
      // not a log line
    }
  }
  return [...ports];
}

const runDirIn = (out: string) => () => readdirSync(out).map((d) => path.join(out, d))[0];

describe("a run that is killed", () => {
  it("kill -9 mid-sweep, then --resume: every planned case appears exactly once", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rootload-kill-"));
    const { child, done } = startCli(["run", "scenarios/quickstart.scenario.ts", "--out", out, "--quiet"]);
    const dir = await waitForCases(runDirIn(out), 4, 90_000);
    child.kill("SIGKILL");
    const killed = await done;
    expect(killed.signal).toBe("SIGKILL");
    const before = lines(path.join(dir, "cases.jsonl")).length;

    const resumed = await runCli(
      ["run", "scenarios/quickstart.scenario.ts", "--resume", dir, "--quiet"],
      170_000,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    const ids = lines(path.join(dir, "cases.jsonl")).map((l) => (JSON.parse(l) as CaseResult).id);
    expect(ids.length).toBe(manifest.plannedCases);
    expect(new Set(ids).size).toBe(ids.length);
    expect(before).toBeLessThan(ids.length);
    expect(manifest.endedAt).toBeTruthy();
  }, 240_000);

  it("SIGINT: drops the case in flight, writes reports of what finished, finalises the manifest, exits 130; --resume completes it", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rootload-int-"));
    const { child, done, stderrSoFar } = startCli(
      ["run", "scenarios/quickstart.scenario.ts", "--out", out, "--quiet"],
      { ROOTLOAD_LOG_LEVEL: "debug" },
    );
    const dir = await waitForCases(runDirIn(out), 3, 90_000);
    // The ports of the servers this run started, from its own log, read before the interrupt:
    // servers run detached (re-parented), so only their ports say whether they are gone.
    const ports = serverPorts(stderrSoFar());
    expect(ports.length, "servers the run reported starting").toBeGreaterThan(0);
    child.kill("SIGINT");
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    const cases = lines(path.join(dir, "cases.jsonl")).map((l) => JSON.parse(l) as CaseResult);
    // Nothing false recorded: stopping the servers under the case in flight made it a server-error.
    expect(cases.filter((c) => c.outcome.class === "server-error")).toEqual([]);
    const files = readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(["summary.md", "report.html", "junit.xml", "report.json"]));
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    expect(manifest.interruptedAt).toBeTruthy();
    expect(manifest.endedAt).toBeUndefined();
    expect(manifest.phasesMs?.totalMs).toBeGreaterThan(0);
    // The servers it started are gone.
    for (const port of ports) expect(await listening(port), `port ${port} after SIGINT`).toBe(false);

    const resumed = await runCli(
      ["run", "scenarios/quickstart.scenario.ts", "--resume", dir, "--quiet"],
      170_000,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    const ids = lines(path.join(dir, "cases.jsonl")).map((l) => (JSON.parse(l) as CaseResult).id);
    expect(ids.length).toBe(after.plannedCases);
    expect(new Set(ids).size).toBe(ids.length);
    expect(after.endedAt).toBeTruthy();
    expect(after.interruptedAt).toBeUndefined();
  }, 300_000);
});
