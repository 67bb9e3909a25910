import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestPki } from "../../harness/pki/test-pki.ts";

/** A free TCP port on 127.0.0.1 (bound and released; good enough for tests on one host). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A running `openssl s_server`. */
export interface OpensslServer extends AsyncDisposable {
  port: number;
  output(): string;
  stop(): Promise<void>;
}

export interface OpensslServerOptions {
  /** The CA bundle to load (-CAfile): what s_server advertises and verifies against. */
  caPem: string;
  pki: TestPki;
  /** undefined = both versions (and, with `legacy`, TLS 1.0/1.1 for node-forge). */
  tls?: "1.2" | "1.3";
  legacy?: boolean;
  /** require (default): -Verify 1; optional: -verify 1; none: no CertificateRequest at all. */
  clientAuth?: "require" | "optional" | "none";
  extraArgs?: string[];
}

/**
 * `openssl s_server -www -Verify 1 -verify_return_error` on 127.0.0.1 with the test PKI's server
 * certificate. `-verify_return_error` matters: without it s_server accepts any client certificate.
 */
export async function startOpensslServer(o: OpensslServerOptions): Promise<OpensslServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "rootload-sserver-"));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const args = [
    "s_server",
    "-www",
    ...(o.clientAuth === "none"
      ? []
      : [o.clientAuth === "optional" ? "-verify" : "-Verify", "1", "-verify_return_error"]),
    "-CAfile",
    file("ca.pem", o.caPem),
    "-cert",
    file("cert.pem", o.pki.server.certPem),
    "-key",
    file("key.pem", o.pki.server.keyPem),
    ...(o.tls === "1.2" ? ["-tls1_2"] : o.tls === "1.3" ? ["-tls1_3"] : []),
    ...(o.legacy ? ["-cipher", "DEFAULT:@SECLEVEL=0", "-min_protocol", "TLSv1"] : []),
    ...(o.extraArgs ?? []),
  ];
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn("openssl", [...args, "-accept", `127.0.0.1:${port}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
    const up = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 10_000);
      const check = () => {
        if (/ACCEPT/.test(out)) {
          clearTimeout(t);
          resolve(true);
        }
      };
      child.stdout!.on("data", check);
      child.once("exit", () => {
        clearTimeout(t);
        resolve(false);
      });
    });
    if (up) {
      const stop = () => stopChild(child, dir);
      return { port, output: () => out, stop, [Symbol.asyncDispose]: stop };
    }
    await stopChild(child, dir, attempt >= 2);
    if (attempt >= 2) throw new Error(`openssl s_server did not start: ${out.slice(-500)}`);
  }
}

function stopChild(child: ChildProcess, dir: string, removeDir = true): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      if (removeDir) rmSync(dir, { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", done);
    child.kill("SIGTERM");
  });
}
