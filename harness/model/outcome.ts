/**
 * One vocabulary of handshake outcomes, used by the probe, the clients, the runner and the reports.
 * A failed handshake is a result, not an exception.
 */
export const OUTCOME_CLASSES = [
  "ok",
  "server-alert",
  "malformed",
  "excessive-size",
  "issuer-not-advertised",
  "reset",
  "timeout",
  "no-certificate-request",
  "server-error",
  "client-unavailable",
] as const;

export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

/** Which end of the handshake failed, as far as the evidence tells. */
export const OUTCOME_SIDES = ["server", "client", "unknown"] as const;
export type OutcomeSide = (typeof OUTCOME_SIDES)[number];

/**
 * Fields any outcome may carry whatever its class. Kept apart from the per-class shapes so that
 * a field every class shares (e.g. `side?: OutcomeSide`) is added here, once.
 */
export interface OutcomeCommon {
  /**
   * Who failed (non-ok outcomes): `server` (it aborted or sent something broken), `client` (it
   * refused what it got, or misbehaved so that the server aborted), `unknown` (a reset or timeout
   * with nothing to judge by). Records written before `side` existed have none: they read as unknown.
   */
  side?: OutcomeSide;
}

/** One outcome: its class, the fields that class carries, and the common fields. */
export type Outcome = OutcomeCommon & ClassOutcome;

type ClassOutcome =
  | { class: "ok" }
  | { class: "server-alert"; alert: string; detail?: string }
  | { class: "malformed"; detail: string }
  | { class: "excessive-size"; detail?: string }
  | { class: "issuer-not-advertised"; detail?: string }
  | { class: "reset"; detail?: string }
  | { class: "timeout"; detail?: string }
  | { class: "no-certificate-request"; detail?: string }
  /** The server under test died or never came up: an infrastructure failure recorded as data. */
  | { class: "server-error"; detail: string }
  /** The client cannot run here (e.g. no `java` on this host): reported, never faked. */
  | { class: "client-unavailable"; detail: string };

/** The side of a non-ok outcome as recorded; records without one read as unknown. */
export function sideOf(o: Outcome): OutcomeSide | undefined {
  if (o.class === "ok") return undefined;
  return o.side ?? "unknown";
}

/** TLS alert descriptions, RFC 8446 §6 (plus the TLS 1.2 ones still seen on the wire). */
export const ALERT_NAMES: Record<number, string> = {
  0: "close_notify",
  10: "unexpected_message",
  20: "bad_record_mac",
  21: "decryption_failed",
  22: "record_overflow",
  30: "decompression_failure",
  40: "handshake_failure",
  41: "no_certificate",
  42: "bad_certificate",
  43: "unsupported_certificate",
  44: "certificate_revoked",
  45: "certificate_expired",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  51: "decrypt_error",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  90: "user_canceled",
  100: "no_renegotiation",
  109: "missing_extension",
  110: "unsupported_extension",
  112: "unrecognized_name",
  113: "bad_certificate_status_response",
  115: "unknown_psk_identity",
  116: "certificate_required",
  120: "no_application_protocol",
};

export function alertName(code: number): string {
  return ALERT_NAMES[code] ?? `alert_${code}`;
}
