import { describe, expect, it } from "vitest";
import { runShippedScenario } from "../../support/shipped-scenario.ts";

/** The shipped `fix` scenario through the CLI: the original nginx config fails Java, the split fixes it (outcomes only: `--no-latency`). */
describe("shipped scenario: fix", () => {
  it("fix: the whole 2025 Microsoft list is past Java's cap; the split advertises the issuer first and lets every client in", async () => {
    const { r, cases } = await runShippedScenario("fix", 300_000, ["--no-latency"]);
    expect(r.code, r.stderr).toBe(0);
    expect(cases).toHaveLength(2 * 2 * 3);
    for (const tls of ["1.2", "1.3"]) {
      const original = (client: string) =>
        cases.find((c) => c.id.startsWith("nginx|") && c.tls === tls && c.client === client)!;
      const fixed = (client: string) =>
        cases.find((c) => c.id.startsWith("nginx#2|") && c.tls === tls && c.client === client)!;
      expect(original("java").outcome).toMatchObject({ class: "excessive-size", side: "client" });
      expect(original("java").advertised!.messageBytes).toBeGreaterThan(32_768);
      for (const client of ["java", "go", "openssl"]) {
        expect(fixed(client).outcome.class).toBe("ok");
        expect(fixed(client).advertised!.messageBytes).toBeLessThanOrEqual(32_768 - 4_096 + 100);
        expect(fixed(client).clientIssuerAdvertised).toBe(true);
      }
      expect(fixed("java").clientCertificate?.sent).toBe(true);
      expect(fixed("go").clientCertificate?.sent).toBe(true);
    }
  }, 320_000);
});
