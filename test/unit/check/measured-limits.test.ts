import { afterEach, describe, expect, it, vi } from "vitest";
import { measuredLimits, unmeasured } from "../../support/measured-limits.ts";

/** How the driver suite and limits.test.ts choose the entry for the version a run found. */
describe("the limits entry for the version a server reported", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("picks JSSE's entry per build from server.versions()", () => {
    const old = measuredLimits("java", {
      java: "17.0.15",
      openjdk: "17.0.15+6-1~deb12u1",
      runtime: "process",
    });
    expect(old.ok && old.limits["1.3"].maxListBytes).toBe(65_453);
    const now = measuredLimits("java", { java: "17.0.21.1", runtime: "container" });
    expect(now.ok && now.limits["1.3"].maxListBytes).toBe(65_463);
    expect(now.ok && now.limits["1.2"].maxListBytes).toBe(65_535);
    const nginx = measuredLimits("nginx", { nginx: "1.22.1-9+deb12u12", openssl: "3.0.22-1~deb12u2" });
    expect(nginx.ok && nginx.limits["1.3"].maxListBytes).toBe(65_491);
  });

  it("a version without an entry is a reason naming it, never a neighbour's figure", () => {
    const m = measuredLimits("java", { java: "17.0.17", runtime: "process" });
    expect(m.ok).toBe(false);
    expect(!m.ok && m.reason).toMatch(
      /TLS 1\.3 CA-list limit is not measured on java 17\.0\.17 \(the table has java 17\.0\.15; java 17\.0\.21\.1\)/,
    );
    const silent = measuredLimits("java", { runtime: "process" });
    expect(!silent.ok && silent.reason).toMatch(/did not report its java version/);
  });

  it("missing here: skipped with the reason; in CI: a failure", () => {
    const skip = (note: string): never => {
      throw new Error(`skipped: ${note}`);
    };
    vi.stubEnv("CI", "");
    expect(() => unmeasured("not measured on java 17.0.17", skip)).toThrow(/^skipped: not measured/);
    vi.stubEnv("CI", "true");
    expect(() => unmeasured("not measured on java 17.0.17", skip)).toThrow(
      /CI=true: a limit not measured is a failure/,
    );
  });
});
