import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedTestPki } from "../../../harness/pki/test-pki.ts";
import { rootSteps } from "../../../harness/run/root-steps.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { runCli } from "../../support/cli.ts";
import { readCases, runDir, writeScenario } from "../../support/run-files.ts";

/**
 * The certificate_authorities list length of the TLS 1.2 CertificateRequest that
 * `openssl s_client -msg` shows (its hex dump, parsed here, not by rootload's probe), or
 * undefined when none came; and s_client's whole output. Bounded: 20 s.
 */
async function sClientListBytes(port: number): Promise<{ bytes?: number; out: string }> {
  // stdout alone is parsed: s_client's stderr (verify lines) would land inside the hex dump.
  const [out, err] = await new Promise<[string, string]>((resolve) => {
    const child = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-tls1_2", "-msg"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let text = "";
    let errText = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (errText += d));
    child.stdin.end("Q\n");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", () => {
      clearTimeout(timer);
      resolve([text, errText]);
    });
  });
  const lines = out.split("\n");
  const at = lines.findIndex((l) => /^<<< TLS 1\.2, Handshake \[length \d+\], CertificateRequest/.test(l));
  if (at < 0) return { out: out + err };
  const hex: number[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!/^\s+[0-9a-f]{2}( [0-9a-f]{2})*\s*$/.test(l)) break;
    for (const h of l.trim().split(/\s+/)) hex.push(Number.parseInt(h, 16));
  }
  // Handshake header (4), certificate_types<1..2^8-1>, signature_algorithms<2..2^16-2>,
  // certificate_authorities<0..2^16-1> (RFC 5246 §7.4.4).
  let i = 4;
  i += 1 + hex[i]!;
  i += 2 + ((hex[i]! << 8) | hex[i + 1]!);
  const bytes = (hex[i]! << 8) | hex[i + 1]!;
  expect(hex.length, "the list runs to the end of the message").toBe(i + 2 + bytes);
  return { bytes, out: out + err };
}

const ROOTS = {
  // Re-keyed roots share a name: 514 certificates, 501 names; OpenSSL sends each name once.
  source: { kind: "ctl", path: "microsoft:2025-06-16", includeDisabled: true },
  wireBytes: [65_535, 65_536],
  bytes: [65_536],
  topUpSynthetic: true,
} as const;

describe("steps by wire bytes (roots.wireBytes)", () => {
  const runtime = new ProcessRuntime();
  let server: StartedTlsServer | undefined;
  afterAll(async () => server?.stop());

  it("reach nginx's own limit on the wire, where steps by configured bytes stayed below it", async () => {
    const { file, out } = await writeScenario({
      name: "wire-steps",
      runtime: "process",
      servers: [{ driver: "nginx", tls: ["1.2"] }],
      roots: ROOTS,
      clients: ["openssl"],
      latency: false, // outcomes and lists only
    });
    const r = await runCli(["run", file, "--out", out, "--quiet"], 240_000);
    expect([0, 1], r.stderr.slice(-2000)).toContain(r.code);
    const cases = readCases(runDir(out));
    const at = (label: string) => cases.find((c) => c.step.label === label)!;
    // Configured 65,536 B: the shared names go out once, so the wire list is smaller and nginx sends it.
    expect(at("65536 B").configured?.caListBytes).toBe(65_536);
    expect(at("65536 B").configured?.wireBytes).toBeLessThan(65_535);
    expect(at("65536 B").advertised?.bytes).toBe(at("65536 B").configured?.wireBytes);
    expect(at("65536 B").outcome.class).toBe("ok");
    // By wire bytes: 65,535 B on the wire is sent, 65,536 B is where nginx gives up.
    expect(at("65535 B wire").configured?.wireBytes).toBe(65_535);
    expect(at("65535 B wire").configured?.caListBytes).toBeGreaterThan(65_535);
    expect(at("65535 B wire").advertised?.bytes).toBe(65_535);
    expect(at("65535 B wire").outcome.class).toBe("ok");
    expect(at("65536 B wire").configured?.wireBytes).toBe(65_536);
    expect(at("65536 B wire").outcome).toMatchObject({ class: "server-alert", alert: "internal_error" });
    // The report says both figures for a wire step.
    const summary = readFileSync(path.join(runDir(out), "summary.md"), "utf8");
    expect(summary).toMatch(
      /\| [\d,]+ names \/ [\d,]+ B \(65,535 B on the wire\) \| [\d,]+ names \/ [\d,]+ B \(65,536 B on the wire\) \|/,
    );
  }, 300_000);

  it("openssl s_client sees 65,535 B on the wire at the 65,535 B wire step and no list at 65,536 B", async () => {
    const pki = await sharedTestPki();
    const steps = await rootSteps(
      { ...ROOTS, wireBytes: [...ROOTS.wireBytes], bytes: [] },
      pki.clientIssuerEntry,
    );
    const [below, over] = steps;
    expect(below!.label).toBe("65535 B wire");
    server = await DRIVERS.nginx.start(
      { store: below!.store, policy: { kind: "all" }, tls: ["1.2"], clientAuth: "require", pki },
      runtime,
    );
    const ok = await sClientListBytes(server.port);
    expect(ok.bytes, ok.out.slice(0, 2000)).toBe(65_535);
    await server.reload(over!.store);
    const past = await sClientListBytes(server.port);
    expect(past.bytes).toBeUndefined();
    expect(past.out).toMatch(/alert internal error/);
  }, 120_000);
});
