import { describe, expect, it } from "vitest";
import { countMatches } from "../../support/chromium.ts";
import { runShippedScenario as runScenario } from "../../support/shipped-scenario.ts";

/**
 * The shipped `kb2801679` scenario through the CLI, with its reports checked the way a person
 * reads them (one file per scenario, so the suite runs them beside each other). Functional only
 * (`--no-latency`): truncation and issuer cuts are outcomes and lists.
 */
describe("shipped scenario: kb2801679", () => {
  it("kb2801679: Schannel-style truncation cuts off the enterprise CA; SendTrustedIssuerList=0 fixes it", async () => {
    const { r, cases, read } = await runScenario("kb2801679", 120_000, ["--no-latency"]);
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
});
