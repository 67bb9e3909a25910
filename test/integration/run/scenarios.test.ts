import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import { chartMarkup, chromium, countMatches } from "../../support/chromium.ts";
import { runCli } from "../../support/cli.ts";

async function runScenario(name: string, timeoutMs: number) {
  const out = await mkdtemp(path.join(tmpdir(), `rootload-${name}-`));
  const r = await runCli(["run", `scenarios/${name}.scenario.ts`, "--out", out], timeoutMs);
  const dir = path.join(out, readdirSync(out)[0]!);
  const cases = readFileSync(path.join(dir, "cases.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as CaseResult);
  return { r, dir, cases, read: (f: string) => readFileSync(path.join(dir, f), "utf8") };
}

/** The shipped scenarios, through the CLI, with their reports checked the way a person reads them. */
describe("shipped scenarios", () => {
  it("kb2801679: Schannel-style truncation cuts off the enterprise CA; SendTrustedIssuerList=0 fixes it", async () => {
    const { r, cases, read } = await runScenario("kb2801679", 120_000);
    expect(r.code, r.stderr).toBe(0);
    const forge = (policy: string) => cases.find((c) => c.client === "forge" && c.policy === policy)!;
    expect(forge("schannel-2003")).toFailWith("issuer-not-advertised");
    expect(forge("schannel-2003")).toTruncateAt(12_288);
    expect(forge("schannel")).toTruncateAt(16_384);
    expect(forge("schannel").clientIssuerAdvertised).toBe(false);
    expect(forge("none")).toSucceed();
    expect(forge("none")).toAdvertiseNone();
    // The 2025 CTL: 514 roots + the enterprise CA, last.
    expect(forge("none").configured?.count).toBe(515);
    expect(forge("none").clientIssuer?.position).toBe(514);
    // The real certificate-selecting clients: Java's default key manager and Go's
    // SupportsCertificate chose no certificate, and the server's alert shows it; clients that send
    // theirs anyway get in, since the server verifies against the whole store.
    for (const tls of ["1.2", "1.3"])
      for (const client of ["java", "go"]) {
        const c = cases.find((x) => x.client === client && x.policy === "schannel" && x.tls === tls)!;
        expect(c).toFailWith("issuer-not-advertised");
        expect(c.outcome).toMatchObject({ side: "server" });
        expect(c.clientCertificate).toEqual({ sent: false, issuersSeen: 151 });
        expect((c.outcome as { detail: string }).detail).toContain(
          tls === "1.2" ? "handshake_failure" : "certificate_required",
        );
        for (const always of ["openssl", "python", "curl"])
          expect(
            cases.find((x) => x.client === always && x.policy === "schannel" && x.tls === tls),
          ).toSucceed();
      }
    const md = read("summary.md");
    expect(md).toContain("KB 2801679");
    expect(md).toMatch(/SendTrustedIssuerList=0/);
    const junit = read("junit.xml");
    expect(countMatches(junit, /<testcase /g)).toBe(cases.length);
    expect(junit).not.toContain("<failure");
  }, 150_000);

  it("clients: which client breaks first; Java's and Go's boundaries exact to the byte", async () => {
    const { r, cases, read } = await runScenario("clients", 600_000);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const at = (client: string, tls: string, step: string) =>
      cases.find((c) => c.client === client && c.tls === tls && c.step.label === step)!;
    // JSSE: handshake message body > jdk.tls.maxHandshakeMessageSize (32,768) fails, client side.
    const edges = { "1.2": ["33017 B", "33018 B"], "1.3": ["33020 B", "33021 B"] } as const;
    for (const [tls, [last, first]] of Object.entries(edges)) {
      expect(at("java", tls, last)).toSucceed();
      expect(at("java", tls, last).advertised!.messageBytes - 4).toBe(32_768);
      expect(at("java", tls, first)).toFailWith("excessive-size");
      expect(at("java", tls, first).advertised!.messageBytes - 4).toBe(32_769);
      expect(at("java", tls, first).outcome).toMatchObject({
        side: "client",
        detail: expect.stringContaining("(32769) exceeds the maximum allowed size (32768)"),
      });
      expect(at("java+maxHandshakeMessageSize=131072", tls, first)).toSucceed();
    }
    expect(at("go", "1.2", "66745 B")).toSucceed();
    expect(at("go", "1.2", "66746 B")).toFailWith("excessive-size");
    expect(read("report.html")).toContain('data-chart="client-map"');
    const manifest = JSON.parse(read("manifest.json"));
    expect(manifest.clients.map((c: { label: string }) => c.label)).toContain(
      "java+maxHandshakeMessageSize=65536",
    );
  }, 660_000);

  it("growth: 13 Microsoft CTLs then synthetic roots, every container server; the HTML report renders", async () => {
    const { r, dir, cases, read } = await runScenario("growth", 420_000);
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
    expect(countMatches(chartMarkup(dom, "latency"), /<circle[^>]*class="mark/g)).toBeGreaterThan(100);
  }, 480_000);
});
