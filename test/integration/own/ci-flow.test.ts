import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";

/**
 * The CI recipe of docs/ci.md, step by step with its exit codes: shard the matrix, merge the
 * shards, compare with a committed baseline, JUnit and HTML from the merged run.
 */
describe("CI flow: --shard → merge → compare against a baseline", () => {
  const scenario = (dir: string, clientIssuer: "first" | "last") => {
    const file = path.join(dir, `ci-${clientIssuer}.scenario.json`);
    writeFileSync(
      file,
      JSON.stringify({
        name: "ci-guard",
        runtime: "process",
        servers: [{ driver: "openssl", tls: ["1.2", "1.3"], policy: ["all", "truncate-bytes:3000"] }],
        roots: { source: { kind: "synthetic", count: 60, seed: 7 }, sizes: [20, 60], clientIssuer },
        // node as a KB 2801679 client (withholds its certificate when its issuer is not listed).
        clients: [{ name: "node", select: "by-issuer-list", label: "node" }, "openssl"],
        latency: false, // the gate compares outcomes and lists
      }),
    );
    return file;
  };
  const only = (out: string) => path.join(out, readdirSync(out)[0]!);

  async function shardAndMerge(file: string, work: string, name: string): Promise<string> {
    const shards: string[] = [];
    for (const shard of ["1/2", "2/2"]) {
      const out = path.join(work, `${name}-${shard.replace("/", "of")}`);
      const r = await runCli(["run", file, "--shard", shard, "--out", out, "--quiet"]);
      expect(r.code, r.stderr.slice(-1000)).toBe(0);
      shards.push(only(out));
    }
    const merged = path.join(work, `${name}-merged`);
    const m = await runCli(["merge", "-o", merged, ...shards]);
    expect(m.code, m.stderr).toBe(0);
    return merged;
  }

  it("exit 0 when the merged shards match the baseline, 1 when a case regressed; JUnit and HTML from the merge", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-ci-"));
    // The committed baseline: one unsharded run of the same scenario.
    const baselineOut = path.join(work, "baseline");
    const b = await runCli(["run", scenario(work, "first"), "--out", baselineOut, "--quiet"]);
    expect(b.code, b.stderr.slice(-1000)).toBe(0);
    const baseline = only(baselineOut);

    const same = await shardAndMerge(scenario(work, "first"), work, "same");
    const ok = await runCli(["compare", baseline, same, "--latency-threshold", "10000"]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain("16 cases matched, 0 added, 0 removed");

    // The change under review moves the enterprise CA to the end of the list: under the
    // 3,000-byte trim it is cut, and the clients that pick by the list stop finding a certificate.
    const moved = await shardAndMerge(scenario(work, "last"), work, "moved");
    const bad = await runCli(["compare", baseline, moved, "--latency-threshold", "10000"]);
    expect(bad.code, bad.stdout).toBe(1);
    expect(bad.stdout).toMatch(
      /openssl\/1\.2\/node\/truncate-bytes:3000\/n=60` \| outcome \| ok \| issuer-not-advertised/,
    );
    expect(bad.stdout).toContain("issuer cut");

    const junit = path.join(work, "junit.xml");
    expect((await runCli(["report", moved, "--format", "junit", "-o", junit])).code).toBe(0);
    expect(readFileSync(junit, "utf8")).toMatch(/<testsuites[^>]* tests="16"/);
    const html = path.join(work, "report.html");
    expect((await runCli(["report", moved, "--format", "html", "-o", html])).code).toBe(0);
    expect(existsSync(html)).toBe(true);

    // A baseline path that is not a run is bad input (exit 2), not a pass.
    expect((await runCli(["compare", path.join(work, "nope"), moved])).code).toBe(2);
  }, 300_000);
});
