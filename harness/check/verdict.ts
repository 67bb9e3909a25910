import { TLS_PLAINTEXT_BYTES } from "../model/limits.ts";
import type { TlsVersion } from "../model/tls.ts";
import { requestSize10, requestSize12, requestSize13 } from "../probe/certificate-request-size.ts";
import { type AdvertisedList, fittingPrefix } from "./advertised.ts";
import type { CaNames } from "./ca-setup.ts";
import { covers, describeOn, type KnownVersion, type KnownVersions, lookupLimit } from "./limit-lookup.ts";
import {
  type ClientProfile,
  type ClientStack,
  type MeasuredOn,
  SERVER_PROFILES,
  type ServerLimit,
  type ServerProfile,
  type ServerStack,
} from "./limits.ts";

/**
 * `not-measured`: the version in use lies outside every measured range; `depends-on-version`: no
 * version known and the measured versions disagree. Neither predicts from another version.
 */
export type ServerVerdictKind =
  | "sends"
  | "aborts"
  | "malformed"
  | "truncates"
  | "not-measured"
  | "depends-on-version";
export type ClientVerdictKind = "accepts" | "refuses" | "no-certificate" | "not-measured";

/** What one server does with its list on one TLS version. */
export interface ServerVerdict {
  server: ServerStack;
  tls: TlsVersion;
  verdict: ServerVerdictKind;
  /** Limit minus list size (bytes): how much room is left, negative past the limit; null when not predicted. */
  marginBytes: number | null;
  /** The list this server builds (before its limit applies). */
  count: number;
  bytes: number;
  /** null when not predicted (not-measured, depends-on-version). */
  limitBytes: number | null;
  /**
   * What the limit was measured on: the entry for the version in use, every entry when no
   * version was known and they agreed, or (not predicted) the ranges that were measured.
   */
  measuredOn: MeasuredOn[];
  /** The version the limit was looked up for, when one was known. */
  version?: KnownVersion;
  /** What reaches the client: the whole list, a prefix (truncates), or nothing (aborts, omits). */
  sent: AdvertisedList;
  /** CertificateRequest message as sent, bytes (header included); undefined when nothing is sent. */
  messageBytes?: number;
  reason: string;
}

/** Whether one client copes with what a server sends on one TLS version. */
export interface ClientVerdict {
  client: ClientStack;
  tls: "1.0" | TlsVersion;
  verdict: ClientVerdictKind;
  /** The client's cap minus what it is sent (bytes); null when the verdict is not about size. */
  marginBytes: number | null;
  /** What the client's size cap was measured on, when it has one. */
  measuredOn?: MeasuredOn;
  reason: string;
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** CertificateRequest body and message size for `listBytes` as `profile`'s server shapes it. */
export function requestSizeFor(
  profile: ServerProfile,
  tls: TlsVersion | "1.0",
  listBytes: number | undefined,
): { bodyBytes: number; messageBytes: number } {
  const shape = (profile.shape ?? SERVER_PROFILES.openssl.shape)!;
  if (tls === "1.0") return requestSize10(shape["1.2"].certificateTypes, listBytes ?? 0);
  return tls === "1.2" ? requestSize12(shape["1.2"], listBytes ?? 0) : requestSize13(shape["1.3"], listBytes);
}

/**
 * Apply a server's limit for the version in use to the list it builds. With no version known the
 * measured versions are all applied: one verdict when they agree (the smallest margin shown), else
 * `depends-on-version`; a version outside every measured range is `not-measured`.
 */
export function serverVerdict(
  server: ServerStack,
  tls: TlsVersion,
  list: AdvertisedList,
  caNames: CaNames,
  versions: KnownVersions = {},
): ServerVerdict {
  const lookup = lookupLimit(SERVER_PROFILES[server].limits[tls], versions);
  const unpredicted = {
    server,
    tls,
    marginBytes: null,
    count: list.entries.length,
    bytes: list.bytes,
    limitBytes: null,
    sent: { entries: [], bytes: 0, rawBytes: 0 },
  };
  if (lookup.kind === "not-measured") {
    const { package: pkg } = lookup.measured[0]!;
    return {
      ...unpredicted,
      verdict: "not-measured",
      measuredOn: [...lookup.measured],
      version: lookup.version,
      reason: `not measured on ${pkg} ${lookup.version.version} (measured: ${lookup.measured.map(describeOn).join("; ")})`,
    };
  }
  if (lookup.kind === "measured")
    return { ...applyLimit(server, tls, list, caNames, lookup.limit), version: lookup.version };
  const each = lookup.limits.map((l) => applyLimit(server, tls, list, caNames, l));
  const agree = each.every((v) => v.verdict === each[0]!.verdict && v.sent.bytes === each[0]!.sent.bytes);
  if (agree) {
    const tightest = each.reduce((a, b) => ((b.marginBytes ?? 0) < (a.marginBytes ?? 0) ? b : a));
    return { ...tightest, measuredOn: lookup.limits.map((l) => l.on) };
  }
  const pkg = lookup.limits[0]!.on.package;
  return {
    ...unpredicted,
    verdict: "depends-on-version",
    measuredOn: lookup.limits.map((l) => l.on),
    reason: `depends on the ${pkg} version: ${each
      .map((v, i) => `${describeOn(lookup.limits[i]!.on)} ${v.verdict}`)
      .join(", ")}; name it with --version ${pkg}=VERSION`,
  };
}

/** One limit entry applied to the list. */
function applyLimit(
  server: ServerStack,
  tls: TlsVersion,
  list: AdvertisedList,
  caNames: CaNames,
  limit: ServerLimit,
): ServerVerdict {
  const profile = SERVER_PROFILES[server];
  const margin = limit.maxListBytes - list.bytes;
  const base = {
    server,
    tls,
    marginBytes: margin,
    count: list.entries.length,
    bytes: list.bytes,
    measuredOn: [limit.on],
  };
  const within = `${fmt(list.bytes)} B ≤ ${fmt(limit.maxListBytes)} B`;
  const over = `${fmt(list.bytes)} B > ${fmt(limit.maxListBytes)} B (${limit.rule})`;
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
        reason: `${n} of ${list.entries.length} fit ${fmt(limit.maxListBytes)} B; ${list.entries.length - n} cut from #${n + 1} (${first.length > 32 ? `${first.slice(0, 31)}…` : first})`,
      };
    }
    case "malformed":
      return {
        ...base,
        verdict: "malformed",
        limitBytes: limit.maxListBytes,
        sent: nothing,
        reason: `${over}: the length wraps to ${fmt(list.bytes % 0x10000)} B`,
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
        reason: `raw subjects ${fmt(list.rawBytes)} B > ${fmt(past.rawMaxBytes)} B: the extension is left out, no names sent`,
      };
  }
}

/**
 * What a client does with a list `server` sends (its shape sets the message size). A size cap
 * measured on other versions than the one in use predicts nothing: `not-measured`.
 */
export function clientVerdict(
  client: ClientStack,
  profile: ClientProfile,
  tls: "1.0" | TlsVersion,
  reference: { server: ServerStack; sent: AdvertisedList; caNames: CaNames },
  issuer: { advertised: boolean } | undefined,
  versions: KnownVersions = {},
): ClientVerdict {
  const size = requestSizeFor(SERVER_PROFILES[reference.server], tls, reference.sent.bytes);
  return clientVerdictForSize(
    client,
    profile,
    tls,
    size,
    {
      names: reference.sent.entries.length,
      emptyExtension13: tls === "1.3" && reference.caNames === "off-empty-extension",
      issuer,
    },
    versions,
  );
}

/** What was in a CertificateRequest besides its size, as far as a client's verdict depends on it. */
export interface RequestFacts {
  /** CA names in it. */
  names: number;
  /** TLS 1.3 with an empty certificate_authorities extension (OpenSSL's -CANames). */
  emptyExtension13: boolean;
  /** Whether the client's issuer is among the names; undefined when no issuer is known. */
  issuer: { advertised: boolean } | undefined;
}

/**
 * What a client does with a CertificateRequest of `size` (body and whole message, bytes): the
 * verdict `check` predicts, from a size it computed or one read on the wire (`rootload watch`).
 * A size cap measured on other versions than the one in use predicts nothing: `not-measured`.
 */
export function clientVerdictForSize(
  client: ClientStack,
  profile: ClientProfile,
  tls: "1.0" | TlsVersion,
  size: { bodyBytes: number; messageBytes: number },
  facts: RequestFacts,
  versions: KnownVersions = {},
): ClientVerdict {
  const on = profile.maxBodyBytes?.on ?? profile.maxRecords?.on;
  const version = on ? versions[on.package] : undefined;
  if (on && version && !covers(on, version.version))
    return {
      client,
      tls,
      verdict: "not-measured",
      marginBytes: null,
      measuredOn: on,
      reason: `not measured on ${on.package} ${version.version} (measured: ${describeOn(on)})`,
    };
  const measured = on ? { measuredOn: on } : {};
  if (facts.emptyExtension13 && profile.refusesEmptyExtension13)
    return {
      ...measured,
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
        ...measured,
        client,
        tls,
        verdict: "refuses",
        marginBytes: margin,
        // The body, as the client counts it, next to the message size the header line shows.
        reason: `body ${fmt(size.bodyBytes)} B = ${fmt(size.messageBytes)} B − 4 B header > ${cap.knob} ${fmt(cap.bytes)} B`,
      };
  }
  if (profile.maxRecords) {
    // At least ceil(M / 2^14) records whatever the offset; one more when it starts mid-record.
    const max = (profile.maxRecords.records - 1) * TLS_PLAINTEXT_BYTES;
    const margin = max - size.messageBytes;
    if (margin < 0)
      return {
        ...measured,
        client,
        tls,
        verdict: "refuses",
        marginBytes: margin,
        reason: `CertificateRequest ${fmt(size.messageBytes)} B spans ${profile.maxRecords.records}+ records`,
      };
  }
  if (facts.issuer && !facts.issuer.advertised && facts.names > 0 && profile.selectsByIssuer)
    return {
      ...measured,
      client,
      tls,
      verdict: "no-certificate",
      marginBytes: null,
      reason: "its issuer is not advertised, so it sends no certificate (KB 2801679)",
    };
  const cap = profile.maxBodyBytes;
  return {
    ...measured,
    client,
    tls,
    verdict: "accepts",
    marginBytes: cap
      ? cap.bytes - size.bodyBytes
      : profile.maxRecords
        ? (profile.maxRecords.records - 1) * TLS_PLAINTEXT_BYTES - size.messageBytes
        : null,
    reason: cap
      ? `body ${fmt(size.bodyBytes)} B = ${fmt(size.messageBytes)} B − 4 B header ≤ ${fmt(cap.bytes)} B`
      : "no size cap known",
  };
}
