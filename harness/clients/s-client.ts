import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import { runClientProcess } from "./run-process.ts";

/**
 * The one wrapper around `openssl s_client` (the host's OpenSSL): its arguments, its run and the
 * reading of its output. The openssl client hand-shakes with it; tests and the probe's oracle
 * read the advertised CA names with it.
 */

/** What `openssl s_client` saw of a server's CertificateRequest and handshake. */
export interface SClientResult {
  /** "ok": handshake completed (as far as s_client can tell); "failed": it printed an error. */
  handshake: "ok" | "failed";
  /** Names under "Acceptable client certificate CA names"; [] if "No client certificate CA names sent"; undefined if neither was printed. */
  names?: string[];
  /** The alert s_client reports, e.g. "internal error". */
  alert?: string;
  /** stdout then stderr. */
  output: string;
}

export interface SClientOptions {
  host?: string;
  port: number;
  tls: TlsVersion;
  /** PEM files of the client certificate and key to offer. */
  cert?: string;
  key?: string;
  /** SNI to send (none by default: the target is an address). */
  servername?: string;
  /** Also accept legacy ciphers (@SECLEVEL=0), for servers set up for the forge model. */
  legacy?: boolean;
  timeoutMs?: number;
  /** `-starttls` (OpenSSL 3.0 speaks postgres, smtp, imap, ldap, ...). */
  starttls?: StartTlsProtocol;
}

/** s_client printed its handshake summary. */
export const HANDSHAKE_DONE = /^(?:New|Reused), (?:TLSv|SSLv)/m;
/** s_client printed an error. */
export const FAILED = /:error:|errno=\d+|SSL alert number/;

/** The argv for one s_client run (after the `openssl` command). */
export function sClientArgs(o: SClientOptions): string[] {
  // RFC2253 without MSB escaping prints UTF-8, so the names compare with the probe's RFC 4514 text.
  const args = [
    "s_client",
    "-connect",
    `${o.host ?? "127.0.0.1"}:${o.port}`,
    o.tls === "1.3" ? "-tls1_3" : "-tls1_2",
    "-verify_quiet",
    "-nameopt",
    "RFC2253,-esc_msb",
  ];
  if (o.servername) args.push("-servername", o.servername);
  if (o.cert && o.key) args.push("-cert", o.cert, "-key", o.key);
  if (o.legacy) args.push("-cipher", "DEFAULT:@SECLEVEL=0");
  if (o.starttls) args.push("-starttls", o.starttls);
  return args;
}

const SECTION_END =
  /^(Client Certificate Types|Requested Signature Algorithms|Shared Requested|Peer sign|Server Temp Key|---)/;

/**
 * The names s_client printed under "Acceptable client certificate CA names", in order; [] for
 * "No client certificate CA names sent"; undefined when it printed neither (e.g. the handshake
 * died before the CertificateRequest).
 */
export function parseAcceptableCaNames(stdout: string): string[] | undefined {
  if (/^No client certificate CA names sent$/m.test(stdout)) return [];
  const lines = stdout.split("\n");
  const start = lines.indexOf("Acceptable client certificate CA names");
  if (start < 0) return undefined;
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (SECTION_END.test(line)) break;
    out.push(line);
  }
  return out;
}

/** Read s_client's output: handshake verdict, CA names (from stdout), alert. */
export function parseSClient(stdout: string, stderr = ""): SClientResult {
  const output = stderr ? `${stdout}\n${stderr}` : stdout;
  const names = parseAcceptableCaNames(stdout);
  const alert = /alert ([a-z ]+?)(?::|\n|$)/.exec(output)?.[1]?.trim();
  const failed =
    /:error:|errno=|write:errno|killed after/.test(output) || !/Cipher is (?!\(NONE\))/.test(output);
  return {
    handshake: failed ? "failed" : "ok",
    ...(names ? { names } : {}),
    ...(alert ? { alert } : {}),
    output,
  };
}

/** Run s_client once, without holding the connection past the handshake, and read its output. */
export async function sClient(o: SClientOptions): Promise<SClientResult> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const out = await runClientProcess("openssl", sClientArgs(o), timeoutMs, (stdout, stderr) =>
    HANDSHAKE_DONE.test(stdout) || FAILED.test(stderr) ? 0 : undefined,
  );
  const stderr = out.timedOut
    ? `${out.stderr}\n[rootload] s_client killed after ${timeoutMs}ms\n`
    : out.stderr;
  return parseSClient(out.stdout, stderr);
}
