import { defineCommand, helpText, numberFlag, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { CA_LIST_LIMIT_BYTES } from "../model/limits.ts";
import { isStartTlsProtocol, STARTTLS_PROTOCOLS } from "../model/starttls.ts";
import { type ProbeResult, probe } from "../probe/probe.ts";

export const PROBE = defineCommand({
  name: "probe",
  usage: ["probe <host:port> [options]"],
  about: `Reads a server's CertificateRequest with the wire probe: the CA names it advertises, the list
and message sizes, the headroom to 65,535 bytes. Exit 0: a CertificateRequest was read; 1: none
(the outcome says why); 2: bad input.`,
  options: {
    tls: { type: "string", default: "1.3", arg: "1.2|1.3", help: "TLS version to offer" },
    sni: { type: "string", arg: "NAME", help: "server name (SNI) to send" },
    starttls: {
      type: "string",
      arg: STARTTLS_PROTOCOLS.join("|"),
      help: "run this plaintext prelude before TLS",
    },
    timeout: { type: "string", arg: "MS", help: "give up after this many ms (default 10000)" },
    json: { type: "boolean", default: false, help: "print the result as JSON (DER as base64)" },
  },
});
const USAGE = `rootload ${PROBE.usage[0]}`;

function splitTarget(target: string | undefined): { host: string; port: number } {
  const m = target ? /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(target) : null;
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port < 1 || port > 65535)
    throw new InputError("rootload probe", `expected <host:port>, got "${target ?? ""}"; usage: ${USAGE}`);
  return { host: (m[1] ?? m[2])!, port };
}

/** The `--json` shape: the result with DER as base64. */
export function probeJson(r: ProbeResult): unknown {
  const cr = r.certificateRequest;
  return {
    version: r.version ?? null,
    cipher: r.cipher ?? null,
    outcome: r.outcome,
    certificateRequest: cr
      ? {
          authorities: cr.authorities.map((a) => ({
            der: Buffer.from(a.der).toString("base64"),
            name: a.name,
          })),
          authoritiesBytes: cr.authoritiesBytes,
          messageBytes: cr.messageBytes,
          signatureAlgorithms: cr.signatureAlgorithms,
          ...(cr.certificateTypes ? { certificateTypes: cr.certificateTypes } : {}),
          ...(cr.authoritiesOmitted ? { authoritiesOmitted: true } : {}),
          ...(cr.violations ? { violations: cr.violations } : {}),
        }
      : null,
    records: r.records,
    timings: r.timings,
  };
}

function table(target: string, r: ProbeResult): string {
  const o = r.outcome;
  const rows: [string, string][] = [
    ["target", target],
    ["version", r.version ? `TLS ${r.version}` : "-"],
    ["cipher", r.cipher ?? "-"],
    [
      "outcome",
      o.class + ("alert" in o ? ` (${o.alert})` : "") + ("detail" in o && o.detail ? `: ${o.detail}` : ""),
    ],
    ["records", String(r.records)],
    [
      "timings (ms)",
      `connect ${r.timings.connectMs}, ${r.timings.starttlsMs !== undefined ? `starttls ${r.timings.starttlsMs}, ` : ""}first byte ${r.timings.firstByteMs}, CertificateRequest ${r.timings.certificateRequestMs ?? "-"}, total ${r.timings.totalMs}`,
    ],
  ];
  const cr = r.certificateRequest;
  if (cr) {
    rows.push(
      ["CA names", String(cr.authorities.length)],
      ["CA list (bytes)", String(cr.authoritiesBytes)],
      ["message (bytes)", String(cr.messageBytes)],
      ["headroom (bytes)", String(CA_LIST_LIMIT_BYTES - cr.authoritiesBytes)],
      ["sig algs", cr.signatureAlgorithms.map((s) => `0x${s.toString(16).padStart(4, "0")}`).join(" ")],
    );
    for (const v of cr.violations ?? []) rows.push(["violation", v]);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  let out = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n") + "\n";
  if (cr?.authorities.length) {
    out += `\n  #  bytes  name\n`;
    cr.authorities.forEach((a, i) => {
      out += `${String(i + 1).padStart(3)}  ${String(a.der.length).padStart(5)}  ${a.name}\n`;
    });
  }
  return out;
}

/** `rootload probe`: exit 0 when a CertificateRequest was read, 1 otherwise, 2 on bad usage. */
export default async function probeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(PROBE, args);
  if (values.help) {
    process.stdout.write(helpText(PROBE));
    return 0;
  }
  if (positionals.length !== 1)
    throw new InputError("rootload probe", `expected one <host:port>; usage: ${USAGE}`);
  const { host, port } = splitTarget(positionals[0]);
  const tls = values.tls;
  if (tls !== "1.2" && tls !== "1.3")
    throw new InputError("rootload probe --tls", `"${tls}" is not 1.2 or 1.3`);
  const timeoutMs = numberFlag("probe", "timeout", values.timeout, 10_000);
  const starttls = values.starttls;
  if (starttls !== undefined && !isStartTlsProtocol(starttls))
    throw new InputError(
      "rootload probe --starttls",
      `"${starttls}" is not one of ${STARTTLS_PROTOCOLS.join(", ")}`,
    );
  const r = await probe({ host, port, tls, sni: values.sni, timeoutMs, ...(starttls ? { starttls } : {}) });
  process.stdout.write(values.json ? `${JSON.stringify(probeJson(r))}\n` : table(positionals[0]!, r));
  return r.outcome.class === "ok" ? 0 : 1;
}
