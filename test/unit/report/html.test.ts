import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlReport } from "../../../harness/report/html.ts";
import {
  chartMarkup as chart,
  chromium,
  chromiumPath,
  countMatches as count,
} from "../../support/chromium.ts";
import { colourStats, decodePng } from "../../support/png.ts";
import { fixtureRun } from "./fixtures.ts";

describe("htmlReport (static)", async () => {
  const html = htmlReport(await fixtureRun("baseline"));

  it("is self-contained: no script, no external resource, inline CSS", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    // The only URL is the SVG namespace, which is a name, not a fetch.
    expect(html.match(/https?:\/\/[^"'\s)]+/g)?.every((u) => u === "http://www.w3.org/2000/svg")).toBe(true);
    expect(html).toContain("<style>");
    expect(html).toContain("Content-Security-Policy");
  });

  it("has the three charts with accessible titles, marks and the byte thresholds", () => {
    for (const name of ["failure-map", "advertised", "latency"]) {
      const svg = chart(html, name);
      expect(svg).toMatch(/role="img"/);
      expect(svg).toMatch(new RegExp(`aria-labelledby="chart-${name}-title chart-${name}-desc"`));
      expect(svg).toMatch(new RegExp(`<title id="chart-${name}-title">[^<]+</title>`));
      for (const bytes of [12_288, 16_384, 65_535]) expect(svg).toContain(`data-threshold-bytes="${bytes}"`);
    }
    const map = chart(html, "failure-map");
    expect(count(map, /class="mark cell"/g)).toBe(81);
    expect(count(map, /data-outcome="issuer-not-advertised"/g)).toBe(8);
    expect(count(map, /data-outcome="malformed"/g)).toBe(2);
    expect(map).toContain("issuer not advertised (KB 2801679) (8)");
    const adv = chart(html, "advertised");
    expect(count(adv, /<circle[^>]*class="mark"/g)).toBe(81 - 15); // 15 cases read no CertificateRequest
    expect(count(adv, /<g class="mark"/g)).toBe(15);
    const lat = chart(html, "latency");
    expect(count(lat, /data-stat="p50"/g)).toBe(58);
    expect(count(lat, /data-stat="p99"/g)).toBe(58);
  });

  it("has the verdict, the per-server table, the KB 2801679 note and the case table", () => {
    expect(html).toContain('<p class="verdict fail">FAIL: 10 of 81 expectations failed');
    expect(html).toContain("SendTrustedIssuerList=0");
    expect(count(html, /<table class="cases">/g)).toBe(1);
    const caseRows = html.slice(html.indexOf('<table class="cases">'));
    expect(count(caseRows.slice(0, caseRows.indexOf("</table>")), /<tr>/g)).toBe(82);
  });

  it("escapes text taken from the run", async () => {
    const run = await fixtureRun("baseline");
    run.cases[0]!.server = "<script>alert(1)</script>";
    const out = htmlReport(run);
    expect(out).not.toContain("<script>");
    expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("htmlReport in headless Chromium", () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rootload-html-"));
    file = join(dir, "report.html");
    await writeFile(file, htmlReport(await fixtureRun("baseline")));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("finds Chromium (fails, never skips, when it is missing)", () => {
    expect(() => chromiumPath()).not.toThrow();
  });

  it("parses the page into a DOM with the three charts and their marks", async () => {
    const dom = await chromium(["--dump-dom", pathToFileURL(file).href]);
    expect(dom).toContain("rootload report");
    for (const name of ["failure-map", "advertised", "latency"])
      expect(dom).toMatch(new RegExp(`<svg[^>]*data-chart="${name}"`));
    expect(count(chart(dom, "failure-map"), /class="mark cell"/g)).toBe(81);
    expect(count(chart(dom, "advertised"), /class="mark"/g)).toBe(81);
    expect(count(chart(dom, "latency"), /<circle[^>]*class="mark/g)).toBe(116);
  });

  it("renders a screenshot that is not blank", async () => {
    const png = join(dir, "report.png");
    await chromium([`--screenshot=${png}`, "--window-size=1280,2400", pathToFileURL(file).href]);
    expect((await stat(png)).size).toBeGreaterThan(50_000);
    const img = decodePng(await readFile(png));
    expect([img.width, img.height]).toEqual([1280, 2400]);
    const stats = colourStats(img);
    // A blank page is one colour; a rendered report has text, chart lines and coloured cells.
    expect(stats.distinct).toBeGreaterThan(200);
    expect(stats.nonBackgroundShare).toBeGreaterThan(0.1);
    // Outcome colours of the failure map are on screen: ok green and issuer-cut yellow.
    const has = (r: number, g: number, b: number) => {
      for (let i = 0; i < img.data.length; i += img.channels)
        if (img.data[i] === r && img.data[i + 1] === g && img.data[i + 2] === b) return true;
      return false;
    };
    expect(has(0x2f, 0x9e, 0x5b)).toBe(true);
    expect(has(0xf2, 0xc2, 0x30)).toBe(true);
    if (process.env.ROOTLOAD_SCREENSHOT_OUT) await copyFile(png, process.env.ROOTLOAD_SCREENSHOT_OUT);
  });
});

describe("latency chart: a process start is not drawn beside a handshake", async () => {
  it("leaves out figures timed from starting the client process and names them", async () => {
    const run = await fixtureRun("baseline");
    const all = count(chart(htmlReport(run), "latency"), /data-stat="p50"/g);
    // One series' figures counted the process start of a command-line client.
    const key = (c: (typeof run.cases)[number]) => `${c.server}|${c.tls}|${c.client}|${c.policy}`;
    const timed = run.cases.filter((c) => c.latency);
    const victim = key(timed[0]!);
    let moved = 0;
    for (const c of timed)
      if (key(c) === victim) {
        c.latency = { ...c.latency!, clock: "process" };
        moved += 1;
      }
    const html = htmlReport(run);
    const lat = chart(html, "latency");
    expect(moved).toBeGreaterThan(0);
    expect(count(lat, /data-stat="p50"/g)).toBe(all - moved);
    expect(lat).toMatch(/Not drawn: [^<]*timed from starting the client process/);
    expect(html).toContain("(incl. process start)");
  });
});
