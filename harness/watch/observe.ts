import { createHash } from "node:crypto";
import { CLIENT_PROFILES } from "../check/limits.ts";
import { type ClientVerdict, clientVerdictForSize } from "../check/verdict.ts";
import type { Outcome } from "../model/outcome.ts";
import type { TlsVersion } from "../model/tls.ts";
import { probe } from "../probe/probe.ts";
import { namesFingerprint } from "../run/compare-lists.ts";
import type { WatchTarget } from "./load-targets.ts";
import { type StrangerResult, strangerHandshake } from "./stranger-handshake.ts";

/** The CA list one probe read. */
export interface SeenList {
  /** RFC 4514 text, wire order. */
  names: string[];
  /** Each name's digest (nameDigest), wire order: what changes are found by. */
  keys: string[];
  /** certificate_authorities length (bytes). */
  bytes: number;
  /** The CertificateRequest message, 4-byte header included (bytes). */
  messageBytes: number;
  /** SHA-256 of the list as on the wire (harness/run/compare-lists.ts). */
  fingerprint: string;
  /** TLS 1.3: no certificate_authorities extension at all. */
  omitted: boolean;
}

/**
 * A DER name as a 128-bit SHA-256 prefix (22 base64url characters): what the watcher keeps to find
 * changes, a tenth of a full 65,535-byte list as hex, for each target and version between probes.
 */
export function nameDigest(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("base64url").slice(0, 22);
}

/** Where one expected issuer stands in what was seen. */
export interface IssuerSeen {
  subject: string;
  advertised: boolean;
  /** From 1, or null when not advertised. */
  position: number | null;
}

/** One probe of one target on one TLS version. */
export interface Observation {
  target: string;
  tls: TlsVersion;
  /** When it started (ms since the epoch). */
  at: number;
  durationMs: number;
  outcome: Outcome;
  /** `expect: "ok"`: a CertificateRequest was read; `expect: "refused"`: a stranger was refused. */
  success: boolean;
  stranger?: StrangerResult;
  /** Undefined when no CertificateRequest was read. */
  list?: SeenList;
  issuers: IssuerSeen[];
  clients: ClientVerdict[];
}

/**
 * Probe `target` on `tls` and judge what was seen: the list, the issuers, each named client's
 * verdict from the limits table (`check`'s, on the size read on the wire). Never throws; bounded
 * by the target's timeout (twice for `expect: "refused"`, which also handshakes as a stranger).
 */
export async function observe(target: WatchTarget, tls: TlsVersion): Promise<Observation> {
  const at = Date.now();
  const r = await probe({
    host: target.host,
    port: target.port,
    tls,
    timeoutMs: target.timeoutMs,
    ...(target.sni ? { sni: target.sni } : {}),
    ...(target.starttls ? { starttls: target.starttls } : {}),
  });
  const stranger =
    target.expect === "refused" ? await strangerHandshake(target, tls, target.timeoutMs) : undefined;
  const cr = r.certificateRequest;
  const base = {
    target: target.name,
    tls,
    at,
    durationMs: Date.now() - at,
    outcome: r.outcome,
    success: stranger ? stranger.kind === "refused" : r.outcome.class === "ok",
    ...(stranger ? { stranger } : {}),
  };
  if (!cr || r.outcome.class !== "ok") return { ...base, issuers: [], clients: [] };
  const ders = cr.authorities.map((a) => a.der);
  const keys = ders.map(nameDigest);
  const list: SeenList = {
    names: cr.authorities.map((a) => a.name),
    keys,
    bytes: cr.authoritiesBytes,
    messageBytes: cr.messageBytes,
    fingerprint: namesFingerprint(ders),
    omitted: cr.authoritiesOmitted === true,
  };
  const issuers = target.issuers.map((i): IssuerSeen => {
    const at = keys.indexOf(nameDigest(i.subjectDer));
    return { subject: i.subject, advertised: at >= 0, position: at >= 0 ? at + 1 : null };
  });
  const facts = {
    names: keys.length,
    emptyExtension13: tls === "1.3" && !list.omitted && keys.length === 0,
    // A client that picks its certificate by issuer gets in when every expected issuer is advertised.
    issuer: issuers.length ? { advertised: issuers.every((i) => i.advertised) } : undefined,
  };
  const size = { bodyBytes: cr.messageBytes - 4, messageBytes: cr.messageBytes };
  const clients = target.clients.map((c) => clientVerdictForSize(c, CLIENT_PROFILES[c], tls, size, facts));
  return { ...base, list, issuers, clients };
}
