import { formatInt } from "../format-int.ts";
import { TLS_PLAINTEXT_BYTES } from "../model/limits.ts";
import { requestSize10, requestSize12, requestSize13 } from "../probe/certificate-request-size.ts";
import { type AdvertisedList, fittingPrefix } from "./advertised.ts";
import type { CaNames } from "./ca-setup.ts";
import {
  type CheckTls,
  type ClientProfile,
  type ClientStack,
  SERVER_PROFILES,
  type ServerProfile,
  type ServerStack,
} from "./limits.ts";

export type ServerVerdictKind = "sends" | "aborts" | "malformed" | "truncates";
export type ClientVerdictKind = "accepts" | "refuses" | "no-certificate";

/** What one server does with its list on one TLS version. */
export interface ServerVerdict {
  server: ServerStack;
  tls: CheckTls;
  verdict: ServerVerdictKind;
  /** Limit minus list size (bytes): how much room is left, negative past the limit. */
  marginBytes: number;
  /** The list this server builds (before its limit applies). */
  count: number;
  bytes: number;
  limitBytes: number;
  /** What reaches the client: the whole list, a prefix (truncates), or nothing (aborts, omits). */
  sent: AdvertisedList;
  /** CertificateRequest message as sent, bytes (header included); undefined when nothing is sent. */
  messageBytes?: number;
  reason: string;
}

/** Whether one client copes with what a server sends on one TLS version. */
export interface ClientVerdict {
  client: ClientStack;
  tls: "1.0" | CheckTls;
  verdict: ClientVerdictKind;
  /** The client's cap minus what it is sent (bytes); null when the verdict is not about size. */
  marginBytes: number | null;
  reason: string;
}

/** CertificateRequest body and message size for `listBytes` as `profile`'s server shapes it. */
export function requestSizeFor(
  profile: ServerProfile,
  tls: CheckTls | "1.0",
  listBytes: number | undefined,
): { bodyBytes: number; messageBytes: number } {
  const shape = (profile.shape ?? SERVER_PROFILES.openssl.shape)!;
  if (tls === "1.0") return requestSize10(shape["1.2"].certificateTypes, listBytes ?? 0);
  return tls === "1.2" ? requestSize12(shape["1.2"], listBytes ?? 0) : requestSize13(shape["1.3"], listBytes);
}

/** Apply a server's measured limit to the list it builds. */
export function serverVerdict(
  server: ServerStack,
  tls: CheckTls,
  list: AdvertisedList,
  caNames: CaNames,
): ServerVerdict {
  const profile = SERVER_PROFILES[server];
  const limit = profile.limits[tls]!;
  const margin = limit.maxListBytes - list.bytes;
  const base = { server, tls, marginBytes: margin, count: list.entries.length, bytes: list.bytes };
  const within = `${formatInt(list.bytes)} B ≤ ${formatInt(limit.maxListBytes)} B`;
  const over = `${formatInt(list.bytes)} B > ${formatInt(limit.maxListBytes)} B (${limit.rule})`;
  const sizeOf = (l: AdvertisedList | undefined) =>
    requestSizeFor(profile, tls, l === undefined ? undefined : l.bytes).messageBytes;
  if (margin >= 0)
    return {
      ...base,
      verdict: "sends",
      limitBytes: limit.maxListBytes,
      sent: list,
      messageBytes: profile.shape
        ? sizeOf(tls === "1.3" && caNames === "off-omitted" ? undefined : list)
        : undefined,
      reason: caNames === "sent" ? within : "CA names turned off",
    };
  const past = limit.past;
  const nothing: AdvertisedList = { entries: [], bytes: 0, rawBytes: 0 };
  switch (past.kind) {
    case "truncates": {
      const kept = fittingPrefix(list, limit.maxListBytes);
      const n = kept.entries.length;
      const first = list.entries[n]!.subject;
      return {
        ...base,
        verdict: "truncates",
        limitBytes: limit.maxListBytes,
        sent: kept,
        reason: `${n} of ${list.entries.length} fit ${formatInt(limit.maxListBytes)} B; ${list.entries.length - n} cut from #${n + 1} (${first.length > 32 ? `${first.slice(0, 31)}…` : first})`,
      };
    }
    case "malformed":
      return {
        ...base,
        verdict: "malformed",
        limitBytes: limit.maxListBytes,
        sent: nothing,
        reason: `${over}: the length wraps to ${formatInt(list.bytes % 0x10000)} B`,
      };
    case "aborts":
      return {
        ...base,
        verdict: "aborts",
        limitBytes: limit.maxListBytes,
        sent: nothing,
        reason: `${over}: ${past.alert}`,
      };
    case "aborts-then-omits":
      if (list.rawBytes <= past.rawMaxBytes)
        return {
          ...base,
          verdict: "aborts",
          limitBytes: limit.maxListBytes,
          sent: nothing,
          reason: `${over}: ${past.alert}`,
        };
      return {
        ...base,
        verdict: "truncates",
        limitBytes: limit.maxListBytes,
        sent: nothing,
        messageBytes: profile.shape ? sizeOf(undefined) : undefined,
        reason: `raw subjects ${formatInt(list.rawBytes)} B > ${formatInt(past.rawMaxBytes)} B: the extension is left out, no names sent`,
      };
  }
}

/** What a client does with a list `server` sends (its shape sets the message size). */
export function clientVerdict(
  client: ClientStack,
  profile: ClientProfile,
  tls: "1.0" | CheckTls,
  reference: { server: ServerStack; sent: AdvertisedList; caNames: CaNames },
  issuer: { advertised: boolean } | undefined,
): ClientVerdict {
  const server = SERVER_PROFILES[reference.server];
  const list = reference.sent;
  const size = requestSizeFor(server, tls, list.bytes);
  if (tls === "1.3" && reference.caNames === "off-empty-extension" && profile.refusesEmptyExtension13)
    return {
      client,
      tls,
      verdict: "refuses",
      marginBytes: null,
      reason: "empty certificate_authorities extension (-CANames; RFC 8446 wants ≥ 3 bytes)",
    };
  if (profile.maxBodyBytes) {
    const cap = profile.maxBodyBytes;
    const margin = cap.bytes - size.bodyBytes;
    if (margin < 0)
      return {
        client,
        tls,
        verdict: "refuses",
        marginBytes: margin,
        reason: `CertificateRequest ${formatInt(size.bodyBytes)} B > ${cap.knob} ${formatInt(cap.bytes)} B`,
      };
  }
  if (profile.maxRecords) {
    // At least ceil(M / 2^14) records whatever the offset; one more when it starts mid-record.
    const max = (profile.maxRecords.records - 1) * TLS_PLAINTEXT_BYTES;
    const margin = max - size.messageBytes;
    if (margin < 0)
      return {
        client,
        tls,
        verdict: "refuses",
        marginBytes: margin,
        reason: `CertificateRequest ${formatInt(size.messageBytes)} B spans ${profile.maxRecords.records}+ records`,
      };
  }
  if (issuer && !issuer.advertised && list.entries.length > 0 && profile.selectsByIssuer)
    return {
      client,
      tls,
      verdict: "no-certificate",
      marginBytes: null,
      reason: "its issuer is not advertised, so it sends no certificate (KB 2801679)",
    };
  const cap = profile.maxBodyBytes;
  return {
    client,
    tls,
    verdict: "accepts",
    marginBytes: cap
      ? cap.bytes - size.bodyBytes
      : profile.maxRecords
        ? (profile.maxRecords.records - 1) * TLS_PLAINTEXT_BYTES - size.messageBytes
        : null,
    reason: cap
      ? `CertificateRequest ${formatInt(size.bodyBytes)} B ≤ ${formatInt(cap.bytes)} B`
      : "no size cap known",
  };
}
