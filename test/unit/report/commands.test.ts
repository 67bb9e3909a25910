import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../../harness/cli/index.ts";
import { RUNS_DIR } from "./fixtures.ts";

/** Run the CLI in-process, capturing stdout and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  const c = vi.spyOn(console, "error").mockImplementation((...args) => {
    err += `${args.join(" ")}\n`;
  });
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    c.mockRestore();
  }
}

const baseline = join(RUNS_DIR, "baseline");
const regressed = join(RUNS_DIR, "regressed");

describe("rootload report / compare", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "rootload-cli-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lists both commands in the usage", async () => {
    const r = await cli("--help");
    expect(r.out).toMatch(/report\s+render a run directory/);
    expect(r.out).toMatch(/compare\s+compare a run with a baseline/);
  });

  it("writes markdown to stdout by default", async () => {
    const r = await cli("report", baseline);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^## rootload: ❌ FAIL: 10 of 81 expectations failed/);
  });

  it("writes each format to -o through a temp file, leaving nothing else behind", async () => {
    for (const [format, start] of [
      ["html", "<!doctype html>"],
      ["junit", '<?xml version="1.0"'],
      ["json", "{"],
      ["md", "## rootload"],
    ] as const) {
      const file = join(dir, `report.${format}`);
      const r = await cli("report", baseline, "--format", format, "-o", file);
      expect(r.code).toBe(0);
      expect(r.out).toBe("");
      expect((await readFile(file, "utf8")).startsWith(start)).toBe(true);
    }
    expect((await readdir(dir)).sort()).toEqual(["report.html", "report.json", "report.junit", "report.md"]);
  });

  it("warns about a torn run on stderr and still reports", async () => {
    const r = await cli("report", join(RUNS_DIR, "torn"), "--format", "json");
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: .*cases\.jsonl:41: skipped a torn last line/);
    expect(JSON.parse(r.out).cases).toHaveLength(40);
  });

  it("exits 2 on bad input, naming the problem", async () => {
    expect(await cli("report", join(dir, "nope"))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/manifest\.json: not found/),
    });
    expect(await cli("report", baseline, "--format", "pdf")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--format: "pdf" is not one of md, html, junit, json/),
    });
    expect((await cli("report")).code).toBe(2);
    expect((await cli("compare", baseline)).code).toBe(2);
    expect(await cli("compare", baseline, regressed, "--latency-threshold", "x")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--latency-threshold: "x" is not a non-negative number/),
    });
    expect((await cli("compare", baseline, regressed, "--bogus")).code).toBe(2);
  });

  it("compare exits 0 on identical runs and 1 on a regression", async () => {
    const same = await cli("compare", baseline, baseline);
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/^## rootload compare: ✅ no regression/);
    const worse = await cli("compare", baseline, regressed, "--json");
    expect(worse.code).toBe(1);
    const cmp = JSON.parse(worse.out);
    expect(cmp.regression).toBe(true);
    expect(cmp.regressions).toBe(3);
    // Reversed, the differences are improvements, but the baseline's 700-root case is gone.
    const lenient = await cli("compare", regressed, baseline, "--latency-threshold", "50", "--json");
    expect(lenient.code).toBe(1);
    expect(JSON.parse(lenient.out)).toMatchObject({
      regressions: 0,
      removed: ["gnutls/1.3/node/all/700 roots"],
    });
  });
});
