import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { chartMarkup, chromium, countMatches } from "../../support/chromium.ts";
import { runShippedScenario as runScenario } from "../../support/shipped-scenario.ts";

/**
 * The shipped `growth` scenario through the CLI, with its reports checked the way a person reads
 * them (one file per scenario, so the suite runs them beside each other). Functional only
 * (`--no-latency`): nothing here asserts a latency figure; the latency chart of a growth run and
 * the equality of outcomes, lists and sizes with and without latency are checked on a reduced
 * size set in no-latency.test.ts.
 */
describe("shipped scenario: growth", () => {
  it("growth: 13 Microsoft CTLs then synthetic roots, every container server; the HTML report renders", async () => {
    const { r, dir, cases, read } = await runScenario("growth", 420_000, ["--no-latency"]);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const manifest = JSON.parse(read("manifest.json"));
    expect(manifest.runtime).toBe("container");
    expect(cases).toHaveLength(manifest.plannedCases);
    const at = (server: string, tls: string, step: string, policy = "all") =>
      cases.find(
        (c) => c.server === server && c.tls === tls && c.step.label === step && c.policy === policy,
      )!;
    for (const server of ["nginx", "apache", "haproxy", "stunnel", "openssl", "node"]) {
      for (const tls of ["1.2", "1.3"]) {
        expect(at(server, tls, "2025-06-16")).toSucceed();
        expect(at(server, tls, "2025-06-16")).toAdvertiseAll();
        expect(at(server, tls, "n=2000")).toFailWith("server-alert", "internal_error");
        expect(at(server, tls, "n=2000", "none")).toSucceed();
      }
    }
    expect(at("gnutls", "1.2", "2025-06-16")).toSucceed();
    expect(at("gnutls", "1.2", "2012-11-02")).toFailWith("server-error");
    expect(at("gnutls", "1.2", "2012-11-02").serverLogTail ?? "").toMatch(/DER time encoding/);

    const dom = await chromium(["--dump-dom", pathToFileURL(path.join(dir, "report.html")).href], 90_000);
    // One cell per series and list size; snapshots with identical lists (2013-10 and 2014-03) share one.
    const cells = new Set(
      cases.map(
        (c) =>
          `${c.server}|${c.tls}|${c.policy}|${c.configured?.count ?? 0}|${c.configured?.caListBytes ?? 0}`,
      ),
    );
    expect(countMatches(chartMarkup(dom, "failure-map"), /class="mark cell"/g)).toBe(cells.size);
    expect(countMatches(chartMarkup(dom, "advertised"), /class="mark"/g)).toBeGreaterThan(100);
    expect(manifest.latency).toBe("not-measured");
    expect(dom.match(/<section id="latency">.*?<\/section>/s)?.[0]).toContain("<b>Not measured</b>");
  }, 480_000);
});
