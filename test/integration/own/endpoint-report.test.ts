import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../harness/runtime/free-port.ts";
import { chartMarkup as chart, chromium, countMatches as count } from "../../support/chromium.ts";
import { runCli } from "../../support/cli.ts";
import { operatorSServer } from "../../support/operator-s-server.ts";
import { colourStats, decodePng } from "../../support/png.ts";
import { microsoftRoots } from "../../support/root-data.ts";
import { readCases, runDir } from "../../support/run-files.ts";
import { makeUserPki } from "../../support/user-pki.ts";

/**
 * The HTML report of a real endpoint run, as a person opens it: two running servers (a small
 * client-CA file and one past Java's 32,768-byte default), four clients. An endpoint has no
 * configured size, so its cells and dots sit at what it advertised; none is grey, none at x = 0.
 */
describe("the HTML report of an endpoint run, in headless Chromium", () => {
  const servers: ChildProcess[] = [];
  afterAll(() => {
    for (const s of servers) s.kill("SIGTERM");
  });

  it("shows a coloured cell per case and the advertised dots where the lists were sent", async () => {
    const pki = makeUserPki();
    const work = await mkdtemp(path.join(tmpdir(), "rootload-endpoint-report-"));
    const roots = microsoftRoots();
    const addresses: string[] = [];
    for (const [name, n] of [
      ["small", 30],
      ["large", 400],
    ] as const) {
      const caFile = path.join(work, `${name}.pem`);
      writeFileSync(
        caFile,
        roots
          .slice(0, n)
          .map((r) => r.toPem())
          .join("") + pki.caPem,
      );
      const port = await freePort();
      servers.push(await operatorSServer(pki.dir, port, caFile));
      addresses.push(`127.0.0.1:${port}`);
    }
    const scenario = path.join(work, "endpoints.scenario.json");
    writeFileSync(
      scenario,
      JSON.stringify({
        name: "endpoints",
        servers: addresses.map((address) => ({ driver: "endpoint", address, tls: ["1.2", "1.3"] })),
        clients: ["node", "openssl", "java", "go"],
        identity: { cert: pki.file("client.pem"), key: pki.file("client.key"), issuer: pki.file("ca.pem") },
        latency: false, // outcomes and lists only
      }),
    );
    const out = path.join(work, "out");
    const r = await runCli(["run", scenario, "--out", out, "--quiet"], 300_000);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const dir = runDir(out);
    const cases = readCases(dir);
    expect(cases).toHaveLength(2 * 2 * 4);
    // Java refuses the larger list (54 KB of names) on its 32,768-byte default: two colours at least.
    expect(new Set(cases.map((c) => c.outcome.class)).size).toBeGreaterThan(1);

    const dom = await chromium(["--dump-dom", pathToFileURL(path.join(dir, "report.html")).href]);
    for (const name of ["failure-map", "client-map"]) {
      expect(count(chart(dom, name), /class="mark cell"/g), name).toBe(cases.length);
      expect(count(chart(dom, name), /class="cell-empty"/g), name).toBe(0);
    }
    const adv = chart(dom, "advertised");
    const dots = [...adv.matchAll(/<circle[^>]*data-bytes="(\d+)"/g)].map((m) => Number(m[1]));
    expect(dots.sort()).toEqual(cases.map((c) => c.advertised!.bytes).sort());
    expect(dots.every((b) => b > 1_000)).toBe(true);

    const png = path.join(work, "report.png");
    await chromium([
      `--screenshot=${png}`,
      "--window-size=1400,2000",
      pathToFileURL(path.join(dir, "report.html")).href,
    ]);
    const img = decodePng(readFileSync(png));
    expect([img.width, img.height]).toEqual([1400, 2000]);
    expect(colourStats(img).distinct).toBeGreaterThan(200);
    // Kept for a person to look at (ROOTLOAD_KEEP_SCREENSHOT=path).
    if (process.env.ROOTLOAD_KEEP_SCREENSHOT)
      writeFileSync(process.env.ROOTLOAD_KEEP_SCREENSHOT, readFileSync(png));
  }, 360_000);
});
