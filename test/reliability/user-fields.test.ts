import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sharedTestPki } from "../../harness/pki/test-pki.ts";
import { rootSteps } from "../../harness/run/root-steps.ts";
import { runCli } from "../support/cli.ts";

describe("errors name the user's fields", () => {
  it("a byte target past a synthetic source's count names roots.bytes and roots.topUpSynthetic", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-fields-"));
    const scenario = path.join(dir, "f.scenario.json");
    await writeFile(
      scenario,
      JSON.stringify({
        name: "fields",
        runtime: "process",
        servers: [{ driver: "openssl", tls: ["1.2"] }],
        roots: { source: { kind: "synthetic", count: 100 }, bytes: [50_843] },
        clients: ["node"],
      }),
    );
    const out = path.join(dir, "results");
    const r = await runCli(["run", scenario, "--out", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/roots\.bytes: 50843 B exceeds .*\(set roots\.topUpSynthetic/);
    expect(r.stderr).not.toMatch(/growth\.|set topUp /);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 60_000);

  it("roots.sizes past the store names roots.sizes", async () => {
    const pki = await sharedTestPki();
    await expect(
      rootSteps({ source: { kind: "synthetic", count: 10 }, sizes: [50] }, pki.clientIssuerEntry),
    ).rejects.toThrow(/^roots\.sizes: 50 exceeds .*set roots\.topUpSynthetic/);
  });
});

describe("a synthetic source without a count", () => {
  it("generates as many roots as its byte targets need, each step exact", async () => {
    const pki = await sharedTestPki();
    const steps = await rootSteps(
      { source: { kind: "synthetic" }, bytes: [16_384, 50_843, 65_536] },
      pki.clientIssuerEntry,
    );
    expect(steps.map((s) => s.store.caListBytes)).toEqual([16_384, 50_843, 65_536]);
    for (const s of steps) expect(s.store.entries).toContain(pki.clientIssuerEntry);
  });
});
