import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../harness/model/case-result.ts";
import { stateSubdir } from "../../harness/state-dir.ts";
import { startCli } from "../support/cli.ts";

const SCENARIO = "test/fixtures/scenarios/parallel.scenario.ts";
const lines = (file: string) =>
  existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];

/** Containers a harness process started (label rootload.owner-pid). */
const containersOf = (pid: number) =>
  execFileSync("docker", ["ps", "-aq", "--filter", `label=rootload.owner-pid=${pid}`], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
/** Server directories a harness process made (<state folder>/tmp/<pid>.<start>.<driver>.*). */
const dirsOf = (pid: number) => readdirSync(stateSubdir("tmp")).filter((f) => f.startsWith(`${pid}.`));
/** Processes (on the host or in a container: one pid namespace view) running from those directories. */
const processesOf = (pid: number) =>
  execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(`/tmp/${pid}.`) && !l.includes("ps -eo"));

describe("a parallel run killed with SIGKILL", () => {
  it("leaves no container, process or server directory once resumed, and every case once", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "rootload-kill-parallel-"));
    const { child, done } = startCli(["run", SCENARIO, "--out", out, "--jobs", "3", "--quiet"]);
    const killedPid = child.pid!;
    let exited = false;
    void done.then(() => (exited = true));
    // Kill while the three series are live: a few cases written, servers of at least two running.
    // Bounded generously: beside other test files on 2 cores a container start alone can take 20 s.
    const until = Date.now() + 400_000;
    let dir: string | undefined;
    let live = false;
    while (Date.now() < until && !exited) {
      dir = readdirSync(out).map((d) => path.join(out, d))[0];
      live = Boolean(
        dir && lines(path.join(dir, "cases.jsonl")).length >= 3 && containersOf(killedPid).length >= 2,
      );
      if (live) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(
      exited,
      `the run ended before it could be killed: ${(await Promise.race([done, Promise.resolve(undefined)]))?.stderr.slice(-1_000)}`,
    ).toBe(false);
    expect(dir, "the run wrote its directory").toBeTruthy();
    expect(live, "3 cases written and 2 servers running within 400 s").toBe(true);
    child.kill("SIGKILL");
    expect((await done).signal).toBe("SIGKILL");
    // What a SIGKILL leaves: the reason the next run must clean up.
    expect(containersOf(killedPid).length, "containers left by the kill").toBeGreaterThanOrEqual(2);
    expect(dirsOf(killedPid).length, "directories left by the kill").toBeGreaterThanOrEqual(2);
    const before = lines(path.join(dir!, "cases.jsonl")).length;

    const resumed = startCli(["run", SCENARIO, "--resume", dir!, "--quiet"]);
    const resumedPid = resumed.child.pid!;
    const r = await resumed.done;
    expect(r.code, r.stderr.slice(-2_000)).toBe(0);

    const manifest = JSON.parse(readFileSync(path.join(dir!, "manifest.json"), "utf8"));
    const cases = lines(path.join(dir!, "cases.jsonl")).map((l) => JSON.parse(l) as CaseResult);
    expect(cases.length).toBe(manifest.plannedCases);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(before).toBeLessThan(cases.length);
    for (const pid of [killedPid, resumedPid]) {
      expect(containersOf(pid), `containers of ${pid}`).toEqual([]);
      expect(dirsOf(pid), `server directories of ${pid}`).toEqual([]);
      expect(processesOf(pid), `processes of ${pid}`).toEqual([]);
    }
  }, 900_000);
});
