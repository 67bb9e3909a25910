import { afterEach, describe, expect, it, vi } from "vitest";
import { inCi, missingHere, requireHere, skipHere } from "../../support/require-here.ts";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("missing here: skip with the reason; missing in CI: fail", () => {
  it("outside CI a missing thing is a skip that names it and why", () => {
    vi.stubEnv("CI", "");
    expect(inCi()).toBe(false);
    expect(missingHere("nginx", undefined)).toBeUndefined();
    expect(missingHere("nginx", "binary nginx not found")).toBe("nginx: binary nginx not found");
    const notes: (string | undefined)[] = [];
    requireHere({ skip: (n) => void notes.push(n) }, "gnutls-cli", "not installed");
    expect(notes).toEqual(["gnutls-cli: not installed"]);
    expect(skipHere("dovecot", undefined)).toBe(false);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(skipHere("dovecot", "not installed")).toBe(true);
    expect(warn).toHaveBeenCalledWith("skipped (missing here, would fail in CI): dovecot: not installed");
    warn.mockRestore();
  });

  it("under CI=true the same calls fail, and a skipIf does not skip", () => {
    vi.stubEnv("CI", "true");
    expect(inCi()).toBe(true);
    expect(() => missingHere("nginx", "binary nginx not found")).toThrow(
      "nginx is missing in CI (CI=true): binary nginx not found",
    );
    expect(() => requireHere({ skip: () => {} }, "root", "not root")).toThrow(/root is missing in CI/);
    expect(skipHere("dovecot", "not installed")).toBe(false);
    expect(missingHere("nginx", undefined)).toBeUndefined();
  });
});
