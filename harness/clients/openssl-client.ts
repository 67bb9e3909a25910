import type { Outcome } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { CertAndKey } from "../pki/test-pki.ts";
import { classifyOpensslError } from "./openssl-errors.ts";
import { identityFiles } from "./pki-files.ts";
import { commandWorks, type ProcessOutput, runClientProcess } from "./run-process.ts";
import { FAILED, HANDSHAKE_DONE, sClient, sClientArgs } from "./s-client.ts";
import type { ClientStack, HandshakeOptions, HandshakeResult } from "./tls-client.ts";

/**
 * s_client prints this once its TCP connection is up (before the STARTTLS prelude, if any): the
 * latency clock starts here, not at the process start (≈ 60 ms of loading OpenSSL).
 */
const CONNECTED = /^CONNECTED\(/m;

/** How long to keep a TLS 1.3 session open after the handshake for the server's verdict (ms). */
const TLS13_VERDICT_MS = 400;

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
  return (await sClient({ host, port, tls, timeoutMs })).names;
}

async function runOnce(o: HandshakeOptions, id: CertAndKey | undefined): Promise<HandshakeResult> {
  const files = id ? identityFiles(id) : undefined;
  const args = sClientArgs({
    host: o.host,
    port: o.port,
    tls: o.tls,
    ...(files ? { cert: files.cert, key: files.key } : {}),
    ...(o.legacy ? { legacy: true } : {}),
    ...(o.starttls ? { starttls: o.starttls } : {}),
  });
  if (o.sni) args.push("-servername", o.sni);
  const out = await runClientProcess(
    "openssl",
    args,
    o.timeoutMs ?? 10_000,
    (stdout, stderr) => {
      if (FAILED.test(stderr)) return 0;
      if (!HANDSHAKE_DONE.test(stdout)) return undefined;
      // TLS 1.3: the server judges the client certificate after our Finished; its NewSessionTicket
      // (accepted) or alert (rejected) comes after the summary s_client prints.
      if (o.tls === "1.2" || /Post-Handshake New Session Ticket/.test(stdout)) return 0;
      return TLS13_VERDICT_MS;
    },
    CONNECTED,
  );
  return {
    outcome: outcomeOf(out, o.tls),
    ...(out.handshakeMs !== undefined
      ? { ms: out.handshakeMs, timedFrom: "connect" as const }
      : { ms: out.ms, timedFrom: "process-start" as const }),
  };
}

/** `openssl s_client` as an external, independent client. */
export const opensslStack: ClientStack = {
  available: () => commandWorks("openssl", ["version"]),
  once: runOnce,
};
