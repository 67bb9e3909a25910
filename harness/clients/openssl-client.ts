import type { Outcome } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { CertAndKey } from "../pki/test-pki.ts";
import { withIssuerSelection } from "./issuer-selection.ts";
import { classifyOpensslError } from "./openssl-errors.ts";
import { identityFiles } from "./pki-files.ts";
import { commandWorks, type ProcessOutput, runClientProcess } from "./run-process.ts";
import type { HandshakeOptions, HandshakeResult, TlsClient } from "./tls-client.ts";

/** How long to keep a TLS 1.3 session open after the handshake for the server's verdict (ms). */
const TLS13_VERDICT_MS = 400;

function baseArgs(host: string, port: number, tls: TlsVersion): string[] {
  // RFC2253 without MSB escaping prints UTF-8, so the names compare with the probe's RFC 4514 text.
  return [
    "s_client",
    "-connect",
    `${host}:${port}`,
    tls === "1.3" ? "-tls1_3" : "-tls1_2",
    "-verify_quiet",
    "-nameopt",
    "RFC2253,-esc_msb",
  ];
}

const HANDSHAKE_DONE = /^(?:New|Reused), (?:TLSv|SSLv)/m;
const FAILED = /:error:|errno=\d+|SSL alert number/;

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
    if (
      /^(Client Certificate Types|Requested Signature Algorithms|Shared Requested|Peer sign|Server Temp Key|---)/.test(
        line,
      )
    )
      break;
    out.push(line);
  }
  return out;
}

function outcomeOf(out: ProcessOutput, tls: TlsVersion): Outcome {
  const all = `${out.stdout}\n${out.stderr}`;
  if (FAILED.test(out.stderr) || /errno=\d+/.test(out.stdout))
    return classifyOpensslError(out.stderr || out.stdout);
  if (HANDSHAKE_DONE.test(out.stdout)) return { class: "ok" };
  if (out.timedOut) return { class: "timeout", detail: `openssl s_client (TLS ${tls}) did not finish` };
  return classifyOpensslError(all);
}

/**
 * Run `openssl s_client` once without a client certificate and return the CA names it printed:
 * an oracle for the probe, independent of it.
 */
export async function opensslAcceptableCaNames(
  host: string,
  port: number,
  tls: TlsVersion,
  timeoutMs = 10_000,
): Promise<string[] | undefined> {
  const out = await runClientProcess("openssl", baseArgs(host, port, tls), timeoutMs, (stdout, stderr) =>
    HANDSHAKE_DONE.test(stdout) || FAILED.test(stderr) ? 0 : undefined,
  );
  return parseAcceptableCaNames(out.stdout);
}

async function runOnce(o: HandshakeOptions, id: CertAndKey | undefined): Promise<HandshakeResult> {
  const args = baseArgs(o.host, o.port, o.tls);
  if (id) {
    const f = identityFiles(id);
    args.push("-cert", f.cert, "-key", f.key);
  }
  if (o.legacy) args.push("-cipher", "DEFAULT:@SECLEVEL=0");
  if (o.starttls) args.push("-starttls", o.starttls);
  const out = await runClientProcess("openssl", args, o.timeoutMs ?? 10_000, (stdout, stderr) => {
    if (FAILED.test(stderr)) return 0;
    if (!HANDSHAKE_DONE.test(stdout)) return undefined;
    // TLS 1.3: the server judges the client certificate after our Finished; its NewSessionTicket
    // (accepted) or alert (rejected) comes after the summary s_client prints.
    if (o.tls === "1.2" || /Post-Handshake New Session Ticket/.test(stdout)) return 0;
    return TLS13_VERDICT_MS;
  });
  return { outcome: outcomeOf(out, o.tls), ms: out.ms };
}

/** `openssl s_client` as an external, independent client. */
export const opensslClient: TlsClient = {
  name: "openssl",
  available: () => commandWorks("openssl", ["version"]),
  handshake: (o) => withIssuerSelection(o, (id) => runOnce(o, id)),
};
