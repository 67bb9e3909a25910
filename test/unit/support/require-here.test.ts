import { describe, expect, it, vi } from "vitest";

/** The module reads CI once, when imported: load a fresh copy under the given value. */
async function underCi(value: string | undefined) {
  const saved = process.env.CI;
  if (value === undefined) delete process.env.CI;
  else process.env.CI = value;
  try {
    vi.resetModules();
    return await import("../../support/require-here.ts");
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
}

describe("missing here: skip with the reason; missing in CI: fail", () => {
  it("outside CI a missing thing is a skip that names it and why", async () => {
    const h = await underCi(undefined);
    expect(h.missingHere("nginx", undefined)).toBeUndefined();
    expect(h.missingHere("nginx", "binary nginx not found")).toBe("nginx: binary nginx not found");
    const notes: (string | undefined)[] = [];
    h.requireHere({ skip: (n) => void notes.push(n) }, "gnutls-cli", "not installed");
    expect(notes).toEqual(["gnutls-cli: not installed"]);
    expect(h.skipHere("dovecot", undefined)).toBe(false);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(h.skipHere("dovecot", "not installed")).toBe(true);
    expect(warn).toHaveBeenCalledWith("skipped (missing here, would fail in CI): dovecot: not installed");
    warn.mockRestore();
  });

  it("under CI=true the same calls fail, and a skipIf does not skip", async () => {
    const h = await underCi("true");
    expect(() => h.missingHere("nginx", "binary nginx not found")).toThrow(
      "nginx is missing in CI (CI=true): binary nginx not found",
    );
    expect(() => h.requireHere({ skip: () => {} }, "root", "not root")).toThrow(/root is missing in CI/);
    expect(h.skipHere("dovecot", "not installed")).toBe(false);
    expect(h.missingHere("nginx", undefined)).toBeUndefined();
  });
});
