import { spawn } from "node:child_process";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";

/** What `openssl s_client` saw of a server's CertificateRequest and handshake. */
export interface SClientResult {
  /** "ok": handshake completed (as far as s_client can tell); "failed": it printed an error. */
  handshake: "ok" | "failed";
  /** Names under "Acceptable client certificate CA names"; [] if "No client certificate CA names sent"; undefined if neither was printed. */
  names?: string[];
  /** The alert s_client reports, e.g. "internal error". */
  alert?: string;
  output: string;
}

export interface SClientOptions {
  host?: string;
  port: number;
  tls: TlsVersion;
  certFile?: string;
  keyFile?: string;
  timeoutMs?: number;
  /** `-starttls` (OpenSSL 3.0 speaks postgres, smtp, imap, ldap, ...). */
  starttls?: StartTlsProtocol;
}

/**
 * Run `openssl s_client` (the host's OpenSSL) once and read the advertised CA names. An
 * independent oracle for what a server advertises; the harness's own probe replaces it later.
 */
export function sClient(opts: SClientOptions): Promise<SClientResult> {
  const args = [
    "s_client",
    "-connect",
    `${opts.host ?? "127.0.0.1"}:${opts.port}`,
    opts.tls === "1.2" ? "-tls1_2" : "-tls1_3",
    "-servername",
    "localhost",
  ];
  if (opts.starttls) args.push("-starttls", opts.starttls);
  if (opts.certFile && opts.keyFile) args.push("-cert", opts.certFile, "-key", opts.keyFile);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    const child = spawn("openssl", args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    // Closing stdin makes s_client quit after the handshake; the timer covers a stuck server.
    child.stdin.end();
    const timer = setTimeout(() => {
      out += `\n[rootload] s_client killed after ${timeoutMs}ms\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(parseSClient(out));
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ handshake: "failed", output: `${out}\n${err.message}` });
    });
  });
}

const SECTION_END =
  /^(Requested Signature Algorithms|Client Certificate Types|Shared Requested Signature Algorithms|Peer signing digest|Peer signature type|Server Temp Key|---)/;

export function parseSClient(output: string): SClientResult {
  const lines = output.split("\n");
  let names: string[] | undefined;
  const i = lines.findIndex((l) => l.startsWith("Acceptable client certificate CA names"));
  if (i >= 0) {
    names = [];
    for (const l of lines.slice(i + 1)) {
      if (SECTION_END.test(l)) break;
      names.push(l);
    }
  } else if (lines.some((l) => l.startsWith("No client certificate CA names sent"))) {
    names = [];
  }
  const alert = /alert ([a-z ]+?)(?::|\n|$)/.exec(output)?.[1]?.trim();
  const failed =
    /:error:|errno=|write:errno|killed after/.test(output) || !/Cipher is (?!\(NONE\))/.test(output);
  return { handshake: failed ? "failed" : "ok", names, alert, output };
}
