import { describe, expect, it } from "vitest";
import { runShippedScenario } from "../../support/shipped-scenario.ts";

/**
 * The shipped `fix` scenario through the CLI: the original nginx config fails Java, a naive cut of
 * the same list loses the appended enterprise CA (the selecting clients send no certificate), and
 * the split — issuer first, then what fits — lets every client in (outcomes only: `--no-latency`).
 */
describe("shipped scenario: fix", () => {
  it("fix: past Java's cap whole, issuer lost when cut naively, every client in with the split", async () => {
    const { r, cases } = await runShippedScenario("fix", 300_000, ["--no-latency"]);
    expect(r.code, r.stderr).toBe(0);
    // Original: 2 TLS × 4 clients; the split template under two policies: 2 × 2 × 4.
    expect(cases).toHaveLength(2 * 4 + 2 * 2 * 4);
    for (const tls of ["1.2", "1.3"]) {
      const at = (prefix: string, client: string) =>
        cases.find((c) => c.id.startsWith(prefix) && c.tls === tls && c.client === client)!;
      const original = (client: string) => at("nginx|", client);
      const naive = (client: string) => at("nginx#2|truncate-bytes:28672/issuer:last|", client);
      const fixed = (client: string) => at("nginx#2|truncate-bytes:28672/issuer:first|", client);
      expect(original("java").outcome).toMatchObject({ class: "excessive-size", side: "client" });
      expect(original("java").advertised!.messageBytes).toBeGreaterThan(32_768);
      for (const client of ["java", "go", "openssl-selecting"]) {
        expect(naive(client).outcome, client).toMatchObject({
          class: "issuer-not-advertised",
          side: "server",
        });
        expect(naive(client).clientIssuerAdvertised).toBe(false);
        expect(naive(client).advertised!.messageBytes).toBeLessThanOrEqual(32_768);
      }
      expect(naive("java").clientCertificate?.sent).toBe(false);
      expect(naive("go").clientCertificate?.sent).toBe(false);
      expect(naive("openssl").outcome.class).toBe("ok");
      for (const client of ["java", "go", "openssl", "openssl-selecting"]) {
        expect(fixed(client).outcome.class, client).toBe("ok");
        expect(fixed(client).advertised!.messageBytes).toBeLessThanOrEqual(32_768 - 4_096 + 100);
        expect(fixed(client).clientIssuerAdvertised).toBe(true);
      }
      expect(fixed("java").clientCertificate?.sent).toBe(true);
      expect(fixed("go").clientCertificate?.sent).toBe(true);
    }
  }, 320_000);
});
