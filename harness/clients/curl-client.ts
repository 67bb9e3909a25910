import { applicationStep, CLIENT_APPLICATION_STEPS, defaultApplication } from "../model/application.ts";
import { SPEAKS_STARTTLS } from "../model/client-spec.ts";
import type { Outcome } from "../model/outcome.ts";
import type { CertAndKey } from "../pki/test-pki.ts";
import { classifyOpensslError } from "./openssl-errors.ts";
import { identityFiles } from "./pki-files.ts";
import { commandWorks, type ProcessOutput, runClientProcess } from "./run-process.ts";
import type { HandshakeOptions, HandshakeResult } from "./tls-client.ts";

const TIMES = /^rootload-times connect=([\d.]+) appconnect=([\d.]+)$/m;

/**
 * curl's exit status and `-v` output → an outcome. The TLS 1.3 verdict on the certificate comes
 * while curl reads the response (exit 56, "tlsv13 alert certificate required"); once the handshake
 * is done, an odd HTTP answer (stunnel echoes the request) still means the server let us in.
 */
export function curlOutcome(out: Pick<ProcessOutput, "stdout" | "stderr" | "code" | "timedOut">): Outcome {
  const text = `${out.stderr}\n${out.stdout}`;
  const handshakeDone = /^\* SSL connection using /m.test(out.stderr);
  if (out.code === 0) return { class: "ok" };
  if (out.timedOut || out.code === 28) return { class: "timeout", detail: lastLines(out.stderr) };
  if (out.code === 7) return { class: "server-error", detail: lastLines(out.stderr) };
  // --ssl-reqd and the server would not upgrade (no STARTTLS offered, or refused).
  if (out.code === 64) return { class: "no-certificate-request", detail: lastLines(out.stderr) };
  if (handshakeDone && [1, 8].includes(out.code ?? -1)) return { class: "ok" };
  if (handshakeDone && out.code === 52)
    return { class: "reset", detail: "closed by the server after the handshake, without an alert" };
  const curlError = /^curl: \(\d+\) (.*)$/m.exec(text)?.[1] ?? lastLines(out.stderr);
  // "OpenSSL SSL_read: ...:tlsv1 alert unknown ca, errno 0": the alert text ends at the comma.
  return classifyOpensslError(curlError.replace(/, errno \d+$/, ""));
}

function lastLines(s: string): string {
  return s.trim().split("\n").slice(-3).join(" | ").slice(0, 500);
}

/**
 * Debian's curl (libcurl + OpenSSL), one process per handshake (it starts in a few ms), a GET of
 * `/` with the configured certificate, which curl sends whatever the list says; no session reuse.
 * Behind SMTP or IMAP STARTTLS (curl's own dialogue, `--ssl-reqd`) the request after the
 * handshake is SMTP's HELP or IMAP's NOOP, which a server answers before any login.
 */
export async function curlHandshake(
  o: HandshakeOptions,
  id: CertAndKey | undefined,
): Promise<HandshakeResult> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (o.starttls && !SPEAKS_STARTTLS.curl.includes(o.starttls))
    return {
      outcome: {
        class: "client-unavailable",
        detail: `curl has no ${o.starttls} STARTTLS (only ${SPEAKS_STARTTLS.curl.join(", ")})`,
      },
      ms: 0,
    };
  // curl always sends a request after the handshake (a GET, or HELP / NOOP): a server that speaks
  // neither HTTP nor its mail protocol would close on it, or leave it waiting to --max-time.
  const app = o.application ?? defaultApplication(o.starttls);
  if (applicationStep("curl", app) === undefined)
    return {
      outcome: {
        class: "client-unavailable",
        detail: `curl has nothing to say to a ${app} server (it speaks ${CLIENT_APPLICATION_STEPS.curl.join(", ")})`,
      },
      ms: 0,
    };
  const v = o.tls === "1.3" ? "1.3" : "1.2";
  const args = [
    "-sS",
    "-v",
    "-k",
    "--no-sessionid",
    `--tlsv${v}`,
    "--tls-max",
    v,
    "--http1.1",
    "--http0.9",
    "--max-time",
    String(Math.ceil(timeoutMs / 1000)),
    "-o",
    "/dev/null",
    "-w",
    "rootload-times connect=%{time_connect} appconnect=%{time_appconnect}\\n",
  ];
  if (o.legacy) args.push("--ciphers", "DEFAULT:@SECLEVEL=0");
  if (id) {
    const f = identityFiles(id);
    args.push("--cert", f.cert, "--key", f.key);
  }
  if (o.starttls === "smtp") args.push("--ssl-reqd", `smtp://${o.host}:${o.port}/`);
  else if (o.starttls === "imap") args.push("--ssl-reqd", "-X", "NOOP", `imap://${o.host}:${o.port}/`);
  else args.push(`https://${o.host}:${o.port}/`);
  const out = await runClientProcess("curl", args, timeoutMs + 2_000, () => undefined);
  const t = TIMES.exec(out.stdout);
  const appconnect = t ? Number(t[2]) : 0;
  // curl's own clock (time_appconnect: connect and TLS, not the process start) when it got that far.
  if (appconnect > 0) return { outcome: curlOutcome(out), ms: appconnect * 1000, timedFrom: "connect" };
  return { outcome: curlOutcome(out), ms: out.ms, timedFrom: "process-start" };
}

export const curlAvailable = () => commandWorks("curl", ["--version"]);
