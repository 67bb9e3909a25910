import { SPEAKS_STARTTLS } from "../model/client-spec.ts";
import { isNoServer } from "../model/no-server.ts";
import { alertName, type Outcome } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { CertAndKey } from "../pki/test-pki.ts";
import { identityFiles } from "./pki-files.ts";
import { commandWorks, type ProcessOutput, runClientProcess } from "./run-process.ts";
import type { ClientStack, HandshakeOptions, HandshakeResult } from "./tls-client.ts";

/** How long to hold a TLS 1.3 session after the handshake for the server's verdict (ms). gnutls-cli prints no ticket line. */
const TLS13_VERDICT_MS = 400;

const FAILED =
  /^\*\*\* (Fatal error|Handshake has failed|Received alert)|Could not connect|Connection refused/m;
const DONE = /^- Handshake was completed/m;
/** gnutls-cli prints this as it connects: the latency clock starts here, not at the process start. */
const CONNECTING = /^Connecting to /m;

function priority(tls: TlsVersion, legacy: boolean): string {
  const versions =
    tls === "1.3" ? "+VERS-TLS1.3" : legacy ? "+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0" : "+VERS-TLS1.2";
  return `NORMAL:-VERS-ALL:${versions}`;
}

/** Map gnutls-cli's output to an outcome. */
export function gnutlsOutcome(out: Pick<ProcessOutput, "stdout" | "stderr" | "timedOut">): Outcome {
  const text = `${out.stdout}\n${out.stderr}`;
  const lines = text.split("\n").filter((l) => l.startsWith("***") || /error|refused/i.test(l));
  const detail = lines.join(" | ").slice(0, 500);
  const alert = /^\*\*\* Received alert \[(\d+)\]/m.exec(text);
  if (alert) return { class: "server-alert", alert: alertName(Number(alert[1])), detail };
  if (isNoServer(undefined, text)) return { class: "server-error", detail };
  if (/^\*\*\* (Fatal error|Handshake has failed)/m.test(text)) {
    if (/too large|exceeds|excessive|too long/i.test(detail)) return { class: "excessive-size", detail };
    if (/pull function|push function|reset|non-properly terminated|premature/i.test(detail))
      return { class: "reset", detail };
    return { class: "malformed", detail };
  }
  if (DONE.test(text)) return { class: "ok" };
  if (out.timedOut) return { class: "timeout", detail: "gnutls-cli did not finish" };
  return { class: "reset", detail: detail || "gnutls-cli ended without completing the handshake" };
}

async function runOnce(o: HandshakeOptions, id: CertAndKey | undefined): Promise<HandshakeResult> {
  if (o.starttls && !SPEAKS_STARTTLS.gnutls.includes(o.starttls))
    return {
      outcome: {
        class: "client-unavailable",
        detail: `gnutls-cli has no ${o.starttls} STARTTLS (only ${SPEAKS_STARTTLS.gnutls.join(", ")})`,
      },
      ms: 0,
    };
  const args = [
    "--no-ca-verification",
    "--priority",
    priority(o.tls, o.legacy ?? false),
    "-p",
    String(o.port),
    o.host,
  ];
  if (o.sni) args.push("--sni-hostname", o.sni);
  if (id) {
    const f = identityFiles(id);
    args.push("--x509certfile", f.cert, "--x509keyfile", f.key);
  }
  if (o.starttls) args.push(`--starttls-proto=${o.starttls}`);
  const out = await runClientProcess(
    "gnutls-cli",
    args,
    o.timeoutMs ?? 10_000,
    (stdout, stderr) => {
      const text = stdout + stderr;
      if (FAILED.test(text)) return 0;
      if (!DONE.test(text)) return undefined;
      // TLS 1.3: the server's verdict on our certificate follows our Finished.
      return o.tls === "1.2" ? 0 : TLS13_VERDICT_MS;
    },
    CONNECTING,
  );
  return {
    outcome: gnutlsOutcome(out),
    ...(out.handshakeMs !== undefined
      ? { ms: out.handshakeMs, timedFrom: "connect" as const }
      : { ms: out.ms, timedFrom: "process-start" as const }),
  };
}

/** `gnutls-cli` as an external, independent client (GnuTLS's own CertificateRequest parser). */
export const gnutlsStack: ClientStack = {
  available: () => commandWorks("gnutls-cli", ["--version"]),
  once: runOnce,
};
