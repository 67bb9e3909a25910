import { describe, expect, it } from "vitest";
import { runShippedScenario as runScenario } from "../../support/shipped-scenario.ts";

/**
 * The shipped `clients` scenario through the CLI, with its reports checked the way a person reads
 * them (one file per scenario, so the suite runs them beside each other). Functional only
 * (`--no-latency`): the boundaries are outcomes and sizes, nothing here reads a latency figure.
 */
describe("shipped scenario: clients", () => {
  it("clients: which client breaks first; Java's, BouncyCastle's and Go's boundaries exact to the byte", async () => {
    const { r, cases, read } = await runScenario("clients", 600_000, ["--no-latency"]);
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
      // BouncyCastle JSSE 1.72: the same 32,768-byte body cap, its own words for it.
      expect(at("bouncycastle", tls, last)).toSucceed();
      expect(at("bouncycastle", tls, first)).toFailWith("excessive-size");
      expect(at("bouncycastle", tls, first).outcome).toMatchObject({
        side: "client",
        detail: expect.stringContaining("32769 > 32768"),
      });
      // Erlang/OTP ssl: nothing below the server's own limit refuses it.
      const largest = tls === "1.2" ? "66798 B" : "66749 B"; // the largest list openssl s_server sends
      for (const step of [last, first, largest]) expect(at("erlang", tls, step)).toSucceed();
    }
    expect(at("go", "1.2", "66745 B")).toSucceed();
    expect(at("go", "1.2", "66746 B")).toFailWith("excessive-size");
    expect(read("report.html")).toContain('data-chart="client-map"');
    const manifest = JSON.parse(read("manifest.json"));
    expect(manifest.clients.map((c: { label: string }) => c.label)).toContain(
      "java+maxHandshakeMessageSize=65536",
    );
  }, 660_000);
});
