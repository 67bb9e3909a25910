import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import { loadScenario } from "../../../harness/scenario/load-scenario.ts";
import { chartMarkup, chromium, countMatches } from "../../support/chromium.ts";
import { runCli } from "../../support/cli.ts";
import { comparable } from "../../support/comparable-run.ts";
import { repoRoot } from "../../support/repo-root.ts";
import { readCases, runDir, writeScenario } from "../../support/run-files.ts";

/** The first and last Microsoft list, then one synthetic size past every 16-bit limit. */
const SNAPSHOTS = ["2012-11-02", "2025-06-16"];
/**
 * One server of each kind the growth sweep has: reloaded in place (nginx), restarted per step
 * (openssl), refusing a list (gnutls on 2012), wrapping and resetting past the limit (caddy), and
 * the Node server.
 */
const SERVERS = ["nginx", "openssl", "gnutls", "caddy", "node"];

/**
 * The shipped growth scenario on a reduced size set, as a JSON copy (paths already absolute): the
 * same servers' options, expectations and bench, fewer steps.
 */
async function reducedGrowth(): Promise<{ file: string; dir: string }> {
  const { scenario } = await loadScenario(path.join(repoRoot, "scenarios/growth.scenario.ts"));
  const source = scenario.roots!.source as { paths: string[] };
  const steps = new Set([...SNAPSHOTS, "n=1000"]);
  const reduced = {
    ...scenario,
    servers: scenario.servers
      .filter((s) => SERVERS.includes(s.driver))
      .map((s) => ("steps" in s && s.steps ? { ...s, steps: s.steps.filter((x) => steps.has(x)) } : s)),
    roots: {
      ...scenario.roots,
      source: { ...source, paths: source.paths.filter((p) => SNAPSHOTS.some((d) => p.endsWith(d))) },
      sizes: [1_000],
    },
  };
  return writeScenario(reduced, "no-latency", "growth-reduced.scenario.json");
}

/**
 * A case as a functional run judges it: outcome, lists and sizes, both sides. A server that did
 * not start says why in words that name whichever readiness wait lost the race (its log or its
 * relay): the class and side of that outcome are compared, not its words.
 */
const functional = (cases: CaseResult[]) =>
  new Map(
    cases.map((c) => {
      const facts = comparable(c) as Record<string, Record<string, unknown>>;
      for (const k of ["outcome", "probeOutcome"])
        if (facts[k]?.class === "server-error") delete facts[k].detail;
      return [c.id, facts] as const;
    }),
  );

describe("rootload run --no-latency", () => {
  it("gives the growth sweep's outcomes, lists and sizes without latency; reports and compare say it was not measured", async () => {
    const { file, dir } = await reducedGrowth();
    const measuredOut = path.join(dir, "measured");
    const functionalOut = path.join(dir, "functional");
    // This compares results, not speed: a generous handshake timeout (a loaded machine held a
    // reloaded server's answer past the default 10 s at load average 30 on 2 cores), and two
    // series at a time (without latency windows nothing paces the series, and four reloads of a
    // 1,000-root list at once outlasted nginx's 15 s reload wait at load average 24).
    const common = ["--quiet", "--timeout", "30000", "--jobs", "2"];
    const withLatency = await runCli(["run", file, "--out", measuredOut, ...common], 300_000);
    // 0, or 3 when the machine failed a server (judged below, case by case).
    expect([0, 3], withLatency.stderr.slice(-2000)).toContain(withLatency.code);
    const without = await runCli(["run", file, "--out", functionalOut, ...common, "--no-latency"], 300_000);
    expect([0, 1, 3], without.stderr.slice(-2000)).toContain(without.code);
    const measured = runDir(measuredOut);
    const functionalDir = runDir(functionalOut);
    const a = readCases(measured);
    const b = readCases(functionalDir);

    // Same plan, same results, case by case; only the latency figures (and times) differ. Series
    // run side by side, so cases.jsonl holds them in the order they ended.
    const ids = (cases: CaseResult[]) => cases.map((c) => c.id).sort();
    expect(ids(b)).toEqual(ids(a));
    expect(a.filter((c) => c.outcome.class === "ok").length).toBeGreaterThan(20);
    // What the machine, not the run's kind, decides: a server that did not start or answer in time
    // on one side only (seen once in each of four tries at load average 12–30 on 2 cores: a
    // probe's timeout, nginx's reload wait, an s_server container whose log ended before ACCEPT).
    // At most two such cases; every other case must be the same in both runs.
    const machine = (c: CaseResult) =>
      [c.outcome.class, c.probeOutcome.class].some((k) => k === "server-error" || k === "timeout");
    const expectedError = (c: CaseResult) => c.server === "gnutls" && c.step.label === "2012-11-02";
    const byId = new Map(a.map((c) => [c.id, c]));
    const failedOnce = b
      .filter((c) => !expectedError(c) && machine(c) !== machine(byId.get(c.id)!))
      .map((c) => c.id);
    expect(failedOnce.length, `failed on one side only: ${failedOnce.join(", ")}`).toBeLessThanOrEqual(2);
    if (withLatency.code !== 0 || without.code !== 0)
      for (const r of [a, b])
        for (const c of r.filter((x) => machine(x) && !expectedError(x)))
          expect(failedOnce, `${c.id} failed in both runs`).toContain(c.id);
    const fa = functional(a);
    for (const [id, c] of functional(b)) if (!failedOnce.includes(id)) expect(c, id).toEqual(fa.get(id));
    expect(new Set(a.filter((c) => !failedOnce.includes(c.id)).map((c) => c.outcome.class))).toEqual(
      new Set(["ok", "server-error", "server-alert", "excessive-size", "reset"]),
    );
    expect(a.filter((c) => c.latency).length).toBe(a.filter((c) => c.outcome.class === "ok").length);
    expect(b.filter((c) => c.latency)).toEqual([]);

    // The manifest records the choice; the sampled run spent time in latency windows, this one none.
    const manifestOf = (d: string) => JSON.parse(readFileSync(path.join(d, "manifest.json"), "utf8"));
    const [ma, mb] = [manifestOf(measured), manifestOf(functionalDir)];
    expect(ma.latency).toBeUndefined();
    expect(mb.latency).toBe("not-measured");
    expect(ma.phasesMs.latency).toBeGreaterThan(0);
    expect(mb.phasesMs.latency ?? 0).toBe(0);
    expect(mb.phasesMs.settle ?? 0).toBe(0);

    // Every report says "not measured" where the figures would be.
    const read = (f: string) => readFileSync(path.join(functionalDir, f), "utf8");
    expect(read("summary.md")).toContain("**Not measured**: this was a functional-only run");
    expect(read("junit.xml")).toContain('<property name="latency" value="not-measured"/>');
    expect(read("junit.xml")).not.toContain('name="p50Ms"');
    const json = await runCli(["report", functionalDir, "--format", "json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).summary.latencyMeasured).toBe(false);
    const dom = (d: string) =>
      chromium(["--dump-dom", pathToFileURL(path.join(d, "report.html")).href], 90_000);
    const domMeasured = await dom(measured);
    const domFunctional = await dom(functionalDir);
    expect(countMatches(chartMarkup(domMeasured, "latency"), /<circle[^>]*class="mark/g)).toBeGreaterThan(20);
    const section = domFunctional.match(/<section id="latency">.*?<\/section>/s)?.[0] ?? "";
    expect(section).toContain("<b>Not measured</b>");
    expect(section).not.toContain("<svg");

    // compare, either way round: no regression, and it says why latency was not compared.
    for (const [from, to, side] of [
      [measured, functionalDir, "current"],
      [functionalDir, measured, "baseline"],
    ] as const) {
      const cmp = await runCli(["compare", from, to, "--latency-threshold", "1", "--latency-floor", "0"]);
      expect(cmp.code, cmp.stdout + cmp.stderr).toBe(0);
      expect(cmp.stdout).toContain("✅ no regression");
      expect(cmp.stdout).toContain(`latency not compared (the ${side} run did not measure it`);
    }

    // One run is one kind: --resume keeps what it started with, merge refuses to mix them.
    const resume = await runCli(["run", file, "--resume", measured, "--no-latency"]);
    expect(resume.code).toBe(2);
    expect(resume.stderr.trim().split("\n")).toHaveLength(1);
    expect(resume.stderr).toMatch(/--no-latency: run .* started with latency measured/);
    const merge = await runCli(["merge", "-o", path.join(dir, "merged"), measured, functionalDir]);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/did not measure latency/);
  }, 600_000);

  it("bad input: one line naming the flag or field, exit 2, nothing written", async () => {
    const flag = await runCli(["run", "scenarios/quickstart.scenario.ts", "--no-latency=yes"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim()).toMatch(/^rootload run: .*'--no-latency' does not take an argument/);
    expect(flag.stderr.trim().split("\n")).toHaveLength(1);
    const base = {
      name: "t",
      servers: [{ driver: "node" }],
      roots: { source: { kind: "synthetic" }, sizes: [1] },
    };
    for (const [body, message] of [
      [{ ...base, latency: "off" }, 'latency "off" is not true or false'],
      [{ ...base, latency: false, bench: { time: 5 } }, "bench is set but latency is false"],
    ] as const) {
      const { file, out } = await writeScenario(body, "no-latency-bad");
      const r = await runCli(["run", file, "--out", out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
  }, 180_000);
});
