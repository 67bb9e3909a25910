import { describe, expect, it } from "vitest";
import { loadCaSource } from "../../../../harness/check/ca-source.ts";
import { planAdvertised } from "../../../../harness/check/fix/plan-advertised.ts";

// The real 2025 Microsoft list: its last entry stands in for the enterprise issuer, the rest fill.
const ms = loadCaSource("microsoft:2025-06-16");
const issuer = ms.at(-1)!;
const rest = ms.slice(0, -1);
const base = {
  server: "nginx" as const,
  tls: ["1.2", "1.3"] as const,
  issuers: [issuer],
  candidates: rest,
  versions: { java: { version: "17.0.15", source: "given" as const } },
};

describe("planAdvertised", () => {
  it("puts the issuer first and fills to the tightest client (java) minus the margin, not one name more", () => {
    const p = planAdvertised({
      ...base,
      clients: ["java", "go", "openssl"],
      marginBytes: 4_096,
      mode: "fill",
    });
    expect(p.kind).toBe("planned");
    if (p.kind !== "planned") return;
    expect(p.entries[0]).toBe(issuer);
    expect(p.tightest?.client).toBe("java");
    expect(p.tightest!.marginBytes).toBeGreaterThanOrEqual(4_096);
    // One more candidate would eat into the margin (the bisection found the largest prefix).
    const one = planAdvertised({
      ...base,
      candidates: rest.slice(0, p.filled + 1),
      clients: ["java"],
      marginBytes: 4_096,
      mode: "fill",
    });
    expect(one.kind === "planned" && one.filled).toBe(p.filled);
    // java's cap is 32,768 B of CertificateRequest body: the list stays under it minus the margin.
    // (the list as nginx builds it: repeated names dropped)
    expect(p.report.advertised.bytes).toBeLessThan(32_768 - 4_096);
    expect(p.report.issuer?.[0]?.position).toBe(1);
  });

  it("a larger margin advertises fewer CAs; without java the whole list fits go with the margin", () => {
    const small = planAdvertised({ ...base, clients: ["java"], marginBytes: 1_000, mode: "fill" });
    const large = planAdvertised({ ...base, clients: ["java"], marginBytes: 16_000, mode: "fill" });
    expect(small.kind === "planned" && large.kind === "planned").toBe(true);
    if (small.kind !== "planned" || large.kind !== "planned") return;
    expect(large.filled).toBeLessThan(small.filled);
    const go = planAdvertised({ ...base, clients: ["go", "openssl"], marginBytes: 4_096, mode: "fill" });
    expect(go.kind === "planned" && go.filled).toBe(rest.length);
  });

  it("issuers mode, or a java version not measured, advertises the issuers alone and says why", () => {
    const only = planAdvertised({ ...base, clients: ["java", "go"], marginBytes: 4_096, mode: "issuers" });
    expect(only.kind === "planned" && only.entries).toEqual([issuer]);
    const unmeasured = planAdvertised({
      ...base,
      versions: { java: { version: "21.0.1", source: "given" } },
      clients: ["java", "go"],
      marginBytes: 4_096,
      mode: "fill",
    });
    expect(unmeasured.kind).toBe("planned");
    if (unmeasured.kind !== "planned") return;
    expect(unmeasured.entries).toEqual([issuer]);
    expect(unmeasured.why).toMatch(/not measured on java 21\.0\.1/);
  });
});
