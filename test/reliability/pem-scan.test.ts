import { describe, expect, it } from "vitest";
import { readCertificates } from "../../harness/roots/cert-file.ts";
import { DerError } from "../../harness/roots/der.ts";

const BEGIN = "-----BEGIN CERTIFICATE-----\n";

describe("the PEM scanner on hostile input", () => {
  // 8 MiB of BEGIN lines with no END: linear scanning reads it in well under a second; the old
  // lazy regex took 31 s for 1.6 MB (quadratic, ~12 minutes for this input). The test's own
  // timeout is the bound: 20 s is far above linear and far below quadratic.
  it("8 MiB of BEGIN CERTIFICATE lines without END fails at once, naming the block", () => {
    const text = Buffer.from(BEGIN.repeat(Math.ceil((8 * 1024 * 1024) / BEGIN.length)), "latin1");
    expect(() => readCertificates(text)).toThrow(DerError);
    expect(() => readCertificates(text)).toThrow(/PEM block 1: BEGIN CERTIFICATE without matching END/);
  }, 20_000);

  it("BEGIN lines followed by one END at the very end is still one pass", () => {
    const text = Buffer.from(`${BEGIN.repeat(300_000)}-----END CERTIFICATE-----\n`, "latin1");
    expect(() => readCertificates(text)).toThrow(/PEM block 1: BEGIN CERTIFICATE without matching END/);
  }, 20_000);

  it("8 MiB of dashes and BEGIN fragments that never form a label", () => {
    const text = Buffer.from(`-----BEGIN${"-".repeat(8 * 1024 * 1024)}`, "latin1");
    expect(() => readCertificates(text)).toThrow(DerError);
  }, 20_000);
});
