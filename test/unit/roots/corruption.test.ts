import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../harness/errors.ts";
import { loadRoots, specFromPath } from "../../../harness/roots/load.ts";
import { loadCertdata } from "../../../harness/roots/load-certdata.ts";
import { loadCtl, readCtl } from "../../../harness/roots/load-ctl.ts";
import { loadDirectory } from "../../../harness/roots/load-directory.ts";
import { loadPem } from "../../../harness/roots/load-pem.ts";
import { mulberry32 } from "../../../harness/roots/prng.ts";
import { dataPath } from "./data.ts";

const tmp = mkdtempSync(join(tmpdir(), "rootload-corrupt-"));
let n = 0;
function file(bytes: Uint8Array, ext: string): string {
  const p = join(tmp, `f${n++}${ext}`);
  writeFileSync(p, bytes);
  return p;
}

/** Run a loader; anything thrown must be a one-line InputError naming the file. */
function outcome<T>(path: string, fn: () => T): T | InputError {
  try {
    return fn();
  } catch (err) {
    expect(err, `${path}: ${String(err)}`).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.message).not.toContain("\n");
    expect(e.where).toContain(path.split("/").pop()!.split(".")[0]!);
    return e;
  }
}

function offsets(len: number, count: number): number[] {
  const rnd = mulberry32(len);
  const out = new Set([0, 1, 2, 3, 4, 5, 8, 16, 100, len - 1, len - 2, len - 8]);
  while (out.size < count) out.add(Math.floor(rnd() * len));
  return [...out].filter((o) => o >= 0 && o < len).sort((a, b) => a - b);
}

const STL = readFileSync(dataPath("microsoft", "2025-06-16", "authroot.stl"));
const CAB = readFileSync(dataPath("microsoft", "2025-06-16", "authrootstl.cab"));
const CERTDATA = readFileSync(dataPath("mozilla", "2025-06-19", "certdata.txt"));
const PEM = readFileSync(dataPath("curl", "2025-07-15", "cacert.pem"));
const CERTS = dataPath("microsoft", "certs");

describe("bad input gives InputError, never a crash", () => {
  it("truncated CTL (.stl and .cab) at many offsets", () => {
    for (const at of offsets(STL.length, 60)) {
      const p = file(STL.subarray(0, at), ".stl");
      expect(outcome(p, () => loadCtl({ kind: "ctl", path: p, certs: CERTS }))).toBeInstanceOf(InputError);
    }
    for (const at of offsets(CAB.length, 60)) {
      const p = file(CAB.subarray(0, at), ".cab");
      expect(outcome(p, () => loadCtl({ kind: "ctl", path: p, certs: CERTS }))).toBeInstanceOf(InputError);
    }
  });

  it("flipped bytes in a CTL: an InputError, or an invalid signature when the signed content changed", () => {
    const rnd = mulberry32(42);
    for (let i = 0; i < 80; i++) {
      const bytes = Buffer.from(STL);
      const at = 72 + Math.floor(rnd() * 185_000); // inside the signed CTL content
      bytes[at] = bytes[at]! ^ (1 << Math.floor(rnd() * 8));
      const p = file(bytes, ".stl");
      const r = outcome(p, () => readCtl(p));
      if (!(r instanceof InputError)) expect(r.signature, `flip at ${at}`).toBe("invalid");
    }
  });

  it("flipped bytes in a cabinet are caught by the CFDATA checksum or the header checks", () => {
    const rnd = mulberry32(7);
    for (let i = 0; i < 60; i++) {
      const bytes = Buffer.from(CAB);
      const at = Math.floor(rnd() * bytes.length);
      bytes[at] = bytes[at]! ^ 0x10;
      const p = file(bytes, ".cab");
      const r = outcome(p, () => readCtl(p));
      // A flip in an unchecked header field (date, set ID) may still extract the same CTL.
      if (!(r instanceof InputError)) expect(r.subjects).toHaveLength(514);
    }
  });

  it("wrong content-type OIDs", () => {
    const inner = Buffer.from(STL);
    const ctlOid = Buffer.from("06092b0601040182370a01", "hex"); // 1.3.6.1.4.1.311.10.1
    const at = inner.indexOf(ctlOid);
    expect(at).toBe(51);
    inner[at + ctlOid.length - 1] = 0x02;
    const p1 = file(inner, ".stl");
    const e1 = outcome(p1, () => readCtl(p1));
    expect(e1).toBeInstanceOf(InputError);
    expect((e1 as InputError).problem).toMatch(
      /contentType is 1\.3\.6\.1\.4\.1\.311\.10\.2, expected 1\.3\.6\.1\.4\.1\.311\.10\.1/,
    );
    const outer = Buffer.from(STL);
    outer[15] = 0x03; // pkcs7-signedData → pkcs7-envelopedData
    const p2 = file(outer, ".stl");
    expect((outcome(p2, () => readCtl(p2)) as InputError).problem).toMatch(/expected signedData/);
  });

  it("a cabinet with no .stl inside, and an .stl that is really a certificate", () => {
    const cert = readFileSync(join(CERTS, "CDD4EEAE6000AC7F40C3802C171E30148030C072.crt"));
    const der = Buffer.from(
      cert
        .toString()
        .replace(/-----[^-]+-----/g, "")
        .replace(/\s/g, ""),
      "base64",
    );
    const p = file(der, ".stl");
    expect(outcome(p, () => readCtl(p))).toBeInstanceOf(InputError);
  });

  it("truncated certdata.txt and PEM bundles", () => {
    for (const at of offsets(CERTDATA.length, 40)) {
      const p = file(CERTDATA.subarray(0, at), ".txt");
      const r = outcome(p, () => loadCertdata({ kind: "certdata", path: p }));
      if (!(r instanceof InputError)) expect(r.count).toBeLessThanOrEqual(142);
    }
    for (const at of offsets(PEM.length, 40)) {
      const p = file(PEM.subarray(0, at), ".pem");
      const r = outcome(p, () => loadPem({ kind: "pem", path: p }));
      // Cut exactly after an END line leaves a shorter, valid bundle.
      if (!(r instanceof InputError)) expect(r.count).toBeLessThanOrEqual(143);
    }
  });

  it("bad base64 and bad DER inside PEM", () => {
    const text = PEM.toString("latin1");
    const bad = text.replace("MIIE", "M!IE");
    const p = file(Buffer.from(bad, "latin1"), ".pem");
    expect((outcome(p, () => loadPem({ kind: "pem", path: p })) as InputError).problem).toMatch(/base64/);
    const p2 = file(Buffer.from("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), ".pem");
    expect(outcome(p2, () => loadPem({ kind: "pem", path: p2 }))).toBeInstanceOf(InputError);
  });

  it("empty files and random bytes, for every loader and the kind guesser", () => {
    const rnd = mulberry32(99);
    const samples: Uint8Array[] = [new Uint8Array(0)];
    for (const size of [1, 2, 7, 64, 1000, 20_000]) {
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i++) b[i] = Math.floor(rnd() * 256);
      samples.push(b);
      const seq = Uint8Array.from(b);
      seq[0] = 0x30; // looks like DER
      samples.push(seq);
    }
    const mscf = Buffer.concat([Buffer.from("MSCF"), Buffer.alloc(60, 0xff)]);
    samples.push(mscf);
    for (const s of samples) {
      for (const ext of [".stl", ".cab", ".pem", ".txt", ".bin"]) {
        const p = file(s, ext);
        expect(outcome(p, () => loadCtl({ kind: "ctl", path: p, certs: CERTS }))).toBeInstanceOf(InputError);
        expect(outcome(p, () => loadPem({ kind: "pem", path: p }))).toBeInstanceOf(InputError);
        expect(outcome(p, () => loadCertdata({ kind: "certdata", path: p }))).toBeInstanceOf(InputError);
        expect(outcome(p, () => loadRoots(specFromPath(p)))).toBeInstanceOf(InputError);
      }
    }
  });

  it("missing files and directories", () => {
    const p = join(tmp, "nope.stl");
    expect((outcome(p, () => loadCtl({ kind: "ctl", path: p })) as InputError).problem).toBe("no such file");
    expect(outcome(p, () => loadRoots(specFromPath(p)))).toBeInstanceOf(InputError);
    expect(outcome(p, () => loadDirectory({ kind: "directory", path: p }))).toBeInstanceOf(InputError);
  });

  it("a certificate file whose SHA-1 is not its name", () => {
    const dir = mkdtempSync(join(tmpdir(), "rootload-certs-"));
    const ctl = readCtl(dataPath("microsoft", "2025-06-16", "authroot.stl"));
    const wrong = readFileSync(join(CERTS, "CDD4EEAE6000AC7F40C3802C171E30148030C072.crt"));
    writeFileSync(join(dir, `${ctl.subjects[1]!.sha1.toUpperCase()}.crt`), wrong);
    const p = dataPath("microsoft", "2025-06-16", "authroot.stl");
    const e = outcome(ctl.subjects[1]!.sha1.toUpperCase(), () =>
      loadCtl({ kind: "ctl", path: p, certs: dir, includeDisabled: true }),
    );
    expect((e as InputError).problem).toMatch(/SHA-1 is cdd4eeae/);
  });
});
