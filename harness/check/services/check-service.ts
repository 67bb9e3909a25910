import { InputError } from "../../errors.ts";
import { formatInt } from "../../format-int.ts";
import type { TlsVersion } from "../../model/tls.ts";
import { caListBytes, nameKey, type RootEntry } from "../../roots/root-store.ts";
import { type ClientCoverage, clientCoverage } from "../common-stacks.ts";
import type { KnownVersions } from "../limit-lookup.ts";
import { CLIENT_PROFILES, type ClientStack, SERVER_PROFILES } from "../limits.ts";
import { type ClientVerdict, clientVerdictForSize, requestSizeFor } from "../verdict.ts";
import { CLOUD_SERVICES, type Quota, SERVICES, type ServiceName } from "./cloud-services.ts";

/** What was uploaded to the service: the certificates and the file as the user holds it. */
export interface ServiceUpload {
  source: string;
  entries: readonly RootEntry[];
  /** Bytes of the file as given (PEM); a non-PEM source is counted as its PEM encoding. */
  fileBytes: number;
}

/** One quota applied to the upload. */
export interface QuotaVerdict {
  quota: string;
  published: string;
  value: number;
  limit: number;
  /** `unclear`: between two readings of an ambiguous unit; `not-applicable`: names not advertised. */
  verdict: "within" | "exceeds" | "unclear" | "not-applicable";
  adjustable: boolean | "not stated";
  evidence: { how: "vendor"; where: string };
  reading?: string;
}

/** The prediction for a service: from its published quotas and switches, never measured. */
export interface ServiceReport {
  service: ServiceName;
  label: string;
  basis: "vendor documentation, not measured";
  source: string;
  switches: {
    name: string;
    value: string;
    from: "given" | "default";
    verified: boolean;
    where: string;
    note?: string;
  }[];
  /** Whether CA names are sent; null when the vendor does not document it. */
  namesSent: boolean | null;
  namesNote?: string;
  quotas: QuotaVerdict[];
  /** With names sent: each client against the CertificateRequest (OpenSSL's shape), the issuer when given. */
  clients: ClientVerdict[];
  coverage: ClientCoverage;
  issuer?: { advertised: boolean; position: number | null };
  notVerified: readonly string[];
  breaks: boolean;
  /** A quota between two readings of its unit. */
  unclear: boolean;
}

export interface ServiceParams {
  service: string;
  /** `--advertise-ca-names on|off` (AWS ALB). */
  advertiseCaNames?: string;
  clients: readonly ClientStack[];
  tls: readonly TlsVersion[];
  issuerSubject?: Uint8Array;
  versions?: KnownVersions;
}

const isSelfSigned = (e: RootEntry) => Buffer.from(e.subjectDer).equals(Buffer.from(e.issuerDer));

/** Predict what a managed service does with a trust store, from its published quotas and switches. */
export function checkService(upload: ServiceUpload, p: ServiceParams): ServiceReport {
  if (!(SERVICES as readonly string[]).includes(p.service))
    throw new InputError("rootload check --service", `"${p.service}" is not one of ${SERVICES.join(", ")}`);
  const name = p.service as ServiceName;
  const svc = CLOUD_SERVICES[name];
  const advertise = svc.switches.find((s) => s.flag === "--advertise-ca-names");
  if (p.advertiseCaNames !== undefined && !advertise)
    throw new InputError("rootload check --advertise-ca-names", `${name} has no such switch (only aws-alb)`);
  if (advertise && p.advertiseCaNames !== undefined && !advertise.values.includes(p.advertiseCaNames))
    throw new InputError(
      "rootload check --advertise-ca-names",
      `"${p.advertiseCaNames}" is not one of ${advertise.values.join(", ")}`,
    );
  const switches: ServiceReport["switches"] = svc.switches.map((s) =>
    s.flag === "--advertise-ca-names" && p.advertiseCaNames !== undefined
      ? { name: s.name, value: p.advertiseCaNames, from: "given", verified: true, where: s.default.where }
      : {
          name: s.name,
          value: s.default.value,
          from: "default",
          verified: s.default.verified,
          where: s.default.where,
          note: s.default.note,
        },
  );
  const namesSent =
    svc.names.from === "switch"
      ? switches.find((s) => s.name === (svc.names as { switch: string }).switch)!.value === "on"
      : null;
  const entries = upload.entries;
  const list = { entries, bytes: caListBytes(entries), rawBytes: caListBytes(entries) - 2 * entries.length };
  const tls = p.tls;
  const requestBytes = Math.max(
    ...tls.map(
      (t) => requestSizeFor(SERVER_PROFILES.openssl, t, namesSent ? list.bytes : undefined).messageBytes,
    ),
  );
  const measure = (q: Quota): number => {
    switch (q.measure) {
      case "certificates":
        return entries.length;
      case "largest-certificate-bytes":
        return Math.max(0, ...entries.map((e) => e.certDer.length));
      case "subject-bytes":
        return list.rawBytes;
      case "file-bytes":
        return upload.fileBytes;
      case "roots-per-file":
        return entries.filter(isSelfSigned).length;
      case "certificate-request-bytes":
        return requestBytes;
    }
  };
  const quotas: QuotaVerdict[] = svc.quotas.map((q) => {
    const value = measure(q);
    const verdict: QuotaVerdict["verdict"] =
      q.whenAdvertising && !namesSent
        ? "not-applicable"
        : value > q.limit
          ? "exceeds"
          : q.limitIfStrict !== undefined && value > q.limitIfStrict
            ? "unclear"
            : "within";
    return {
      quota: q.name,
      published: q.published,
      value,
      limit: q.limit,
      verdict,
      adjustable: q.adjustable,
      evidence: { how: "vendor", where: q.where },
      ...(q.reading ? { reading: q.reading } : {}),
    };
  });
  const key = p.issuerSubject ? nameKey(p.issuerSubject) : undefined;
  const at = key ? entries.findIndex((e) => nameKey(e.subjectDer) === key) : -1;
  const issuer = key
    ? { advertised: namesSent === true && at >= 0, position: namesSent && at >= 0 ? at + 1 : null }
    : undefined;
  const clients: ClientVerdict[] = [];
  if (namesSent)
    for (const client of p.clients)
      for (const t of tls) {
        const size = requestSizeFor(SERVER_PROFILES.openssl, t, list.bytes);
        clients.push(
          clientVerdictForSize(
            client,
            CLIENT_PROFILES[client],
            t,
            size,
            { names: entries.length, emptyExtension13: false, issuer },
            p.versions,
          ),
        );
      }
  const breaks =
    quotas.some((q) => q.verdict === "exceeds") ||
    clients.some((c) => c.verdict === "refuses" || c.verdict === "no-certificate");
  return {
    service: name,
    label: svc.label,
    basis: "vendor documentation, not measured",
    source: upload.source,
    switches,
    namesSent,
    ...(svc.names.from === "not documented" ? { namesNote: svc.names.note } : {}),
    quotas,
    clients,
    coverage: clientCoverage(namesSent ? p.clients : []),
    ...(issuer ? { issuer } : {}),
    notVerified: svc.notVerified,
    breaks,
    unclear: quotas.some((q) => q.verdict === "unclear"),
  };
}

/** One screen: the switches, each quota against the upload, the clients when names are sent. */
export function serviceText(r: ServiceReport): string {
  const out = [
    `rootload check --service ${r.service}: ${r.source}`,
    `  ${r.label} — from the vendor's published quotas and switches, NOT measured`,
  ];
  for (const s of r.switches)
    out.push(
      `  ${s.name} = ${s.value} (${s.from === "given" ? "given" : `default${s.verified ? "" : ", not verified"}`}) [${s.where}]${s.note ? `\n    ${s.note}` : ""}`,
    );
  out.push(
    r.namesSent === null
      ? `  CA names: ${r.namesNote}`
      : r.namesSent
        ? "  CA names: advertised (the trust store's CA subjects)"
        : "  CA names: not advertised: clients that choose by the list offer any certificate",
    "",
  );
  const w = Math.max(...r.quotas.map((q) => q.quota.length));
  for (const q of r.quotas) {
    const cell =
      q.verdict === "not-applicable"
        ? "not applicable (names not advertised)"
        : `${formatInt(q.value)} vs ${q.published}: ${q.verdict.toUpperCase()}`;
    out.push(
      `  ${q.quota.padEnd(w)}   ${cell}${q.adjustable === true ? " (adjustable)" : ""}  [vendor: ${q.evidence.where}]`,
    );
    if (q.reading) out.push(`  ${" ".repeat(w)}   ${q.reading}`);
  }
  if (r.clients.length) {
    out.push("");
    for (const c of r.clients)
      out.push(
        `  ${c.client.padEnd(8)} TLS ${c.tls}  ${c.verdict}${c.marginBytes === null ? "" : ` (${c.marginBytes >= 0 ? "+" : "−"}${formatInt(Math.abs(c.marginBytes))} B)`}: ${c.reason}`,
      );
    const j = r.coverage;
    out.push(
      `  clients judged: ${j.judged.map((x) => x.client).join(" ")}; no limit in the table for: ${j.noLimitFor.map((s) => s.stack).join(", ") || "none"}`,
    );
  }
  if (r.issuer)
    out.push(
      `  client issuer: ${r.issuer.advertised ? `advertised at position ${r.issuer.position}` : "NOT advertised"}`,
    );
  out.push("", "not verified on the vendor's pages:", ...r.notVerified.map((n) => `  - ${n}`));
  out.push(
    r.breaks
      ? "✗ predicted to break (above); the figures are the vendor's, not measured here"
      : r.unclear
        ? "? a quota is between two readings of its unit (above)"
        : "✓ within every published quota checked; the figures are the vendor's, not measured here",
  );
  return `${out.join("\n")}\n`;
}

/** The `--json` document of a service prediction. */
export function serviceJson(r: ServiceReport): Record<string, unknown> {
  return { ...r };
}
