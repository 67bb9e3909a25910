import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { MAX_PKCS12_ITERATIONS } from "../../harness/pki/user-identity.ts";
import { runCli } from "../support/cli.ts";
import { writeScenario } from "../support/run-files.ts";
import { exportPkcs12, makeUserPki } from "../support/user-pki.ts";

/**
 * A scenario's `identity` names files of the user's: a FIFO, a PKCS#12 that asks for 2^31-1
 * iterations, a megabyte of BEGIN lines. Each is refused at once (one line, rc 2), before any
 * server starts; the old code hung, blocked the main thread (SIGTERM unanswered) or took 34 s.
 */
const BOUND_MS = 30_000;

const tiny = (identity: object) => ({
  name: "hostile-identity",
  runtime: "process",
  servers: [{ driver: "openssl", tls: ["1.3"] }],
  roots: { source: { kind: "builtin" }, sizes: [5] },
  clients: ["node"],
  bench: { time: 10, iterations: 1 },
  identity,
});

async function run(identity: object, env: Record<string, string> = {}) {
  const { file, out } = await writeScenario(tiny(identity), "identity");
  const t0 = Date.now();
  const r = await runCli(["run", file, "--out", out, "--quiet"], BOUND_MS, env);
  return { ...r, ms: Date.now() - t0 };
}

function refused(r: Awaited<ReturnType<typeof run>>, pattern: RegExp) {
  expect(r.signal, `still running after ${BOUND_MS} ms: ${r.stderr.slice(-300)}`).toBeNull();
  expect(r.code, r.stderr.slice(-600)).toBe(2);
  const text = r.stderr.trim();
  expect(text.split("\n")).toHaveLength(1);
  expect(text).toMatch(pattern);
}

/** `der` with its MacData iteration count set to `n` (lengths re-encoded; the MAC is not redone). */
function withMacIterations(der: Buffer, n: number): Buffer {
  const asn1 = forge.asn1.fromDer(der.toString("binary"));
  const macData = (asn1.value as forge.asn1.Asn1[])[2]!;
  const iterations = (macData.value as forge.asn1.Asn1[])[2]!;
  iterations.value = forge.util.hexToBytes(n.toString(16).padStart(8, "0"));
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
}

describe("hostile identity files", () => {
  const pki = makeUserPki();
  const dir = mkdtempSync(path.join(tmpdir(), "rootload-hostile-id-"));

  it("a key that is a FIFO is refused, never waited on", async () => {
    const fifo = path.join(dir, "key.fifo");
    execFileSync("mkfifo", [fifo]);
    const r = await run({ cert: pki.file("client.pem"), key: fifo, issuer: pki.file("ca.pem") });
    refused(r, /identity\.key: .*key\.fifo.*not a regular file/);
  }, 60_000);

  it("a PKCS#12 asking for 2^31-1 iterations is refused before any key derivation", async () => {
    const p12 = exportPkcs12(pki, "ROOTLOAD_TEST_P12_PW", "pw");
    const hostile = path.join(dir, "slow.p12");
    writeFileSync(hostile, withMacIterations(readFileSync(p12), 2 ** 31 - 1));
    const r = await run(
      { pkcs12: hostile, passwordEnv: "ROOTLOAD_TEST_P12_PW", issuer: pki.file("ca.pem") },
      { ROOTLOAD_TEST_P12_PW: "pw" },
    );
    refused(
      r,
      new RegExp(`2147483647 key-derivation iterations, over rootload's bound of ${MAX_PKCS12_ITERATIONS}`),
    );
  }, 60_000);

  it("1 MiB of BEGIN lines as the issuer is refused in one pass", async () => {
    const issuer = path.join(dir, "begin.pem");
    writeFileSync(issuer, "-----BEGIN CERTIFICATE-----\n".repeat(Math.ceil((1024 * 1024) / 28)));
    const r = await run({ cert: pki.file("client.pem"), key: pki.file("client.key"), issuer });
    refused(r, /identity\.issuer: .*begin\.pem/);
  }, 60_000);
});
