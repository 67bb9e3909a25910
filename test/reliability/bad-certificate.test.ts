import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { children, readTlv, tlv } from "../../harness/roots/der.ts";
import { loadCtl } from "../../harness/roots/load-ctl.ts";
import { runCli } from "../support/cli.ts";
import { rootstores } from "../support/repo-root.ts";

const REAL = path.join(rootstores, "microsoft/certs");

/** A real root with one TBSCertificate field removed: issuer and subject are there, the key is not. */
function withoutField(index: (tbsFields: number) => number): Uint8Array {
  const file = readdirSync(REAL).find((f) => f.endsWith(".crt"))!;
  let der = new Uint8Array(readFileSync(path.join(REAL, file)));
  if (der[0] !== 0x30) {
    const pem = Buffer.from(der).toString("latin1");
    der = new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, ""), "base64"));
  }
  const cert = readTlv(der, 0);
  const [tbs, ...rest] = children(der, cert);
  const fields = children(der, tbs!);
  const drop = index(fields.length);
  const kept = fields.filter((_, i) => i !== drop).map((f) => der.subarray(f.start, f.end));
  return tlv(0x30, tlv(0x30, ...kept), ...rest.map((f) => der.subarray(f.start, f.end)));
}

const pem = (der: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString("base64")}\n-----END CERTIFICATE-----\n`;

function expectOneLine(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe("certificates are validated on load", () => {
  it("a certificate without its subjectPublicKeyInfo: roots inspect exits 2 naming the file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-nokey-"));
    const file = path.join(dir, "nokey.pem");
    // Fields: [0] version, serial, signature, issuer, validity, subject, spki, [3] extensions.
    await writeFile(file, pem(withoutField(() => 6)));
    expectOneLine(
      await runCli(["roots", "inspect", file]),
      /nokey\.pem: certificate 1: .*subjectPublicKeyInfo/,
    );
  });

  it("the same file as a scenario's roots: exit 2 before anything is written", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-nokey-"));
    await writeFile(path.join(dir, "roots.pem"), pem(withoutField(() => 6)));
    const scenario = path.join(dir, "s.scenario.json");
    await writeFile(
      scenario,
      JSON.stringify({
        name: "nokey",
        runtime: "process",
        servers: [{ driver: "openssl", tls: ["1.2"] }],
        roots: { source: { kind: "pem", path: "roots.pem" } },
        clients: ["node"],
      }),
    );
    const out = path.join(dir, "results");
    expectOneLine(await runCli(["run", scenario, "--out", out, "--quiet"]), /roots\.pem/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 60_000);

  it("other missing or extra fields are refused too", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-nokey-"));
    const file = path.join(dir, "novalidity.pem");
    await writeFile(file, pem(withoutField(() => 4)));
    expectOneLine(await runCli(["roots", "inspect", file]), /novalidity\.pem: certificate 1/);
  });

  it("structure only: every Microsoft list loads, SecureNet CA Class B (which GnuTLS rejects) included", () => {
    const ms = path.join(rootstores, "microsoft");
    let secureNet = 0;
    for (const d of readdirSync(ms).filter((x) => /^\d{4}-/.test(x))) {
      const store = loadCtl({ kind: "ctl", path: path.join(ms, d, "authroot.stl") });
      expect(store.count, d).toBeGreaterThan(200);
      if (store.entries.some((e) => e.sha1 === "7ac5fff8dcbc5583176877073bf751735e9bd358")) secureNet++;
    }
    expect(secureNet).toBeGreaterThanOrEqual(7);
  });
});
