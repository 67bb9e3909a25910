import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { messageOf } from "../errors.ts";
import { alertName, type Outcome } from "../model/outcome.ts";
import type { Availability } from "../runtime/runtime.ts";
import { DEBIAN_CARGO, DEBIAN_CRATES, rustlsClientBinary } from "./client-builds.ts";
import type { LoopProgram } from "./loop-client.ts";

/** rustls's AlertDescription variant names (msgs/enums.rs) → IANA codes. */
const RUSTLS_ALERTS: Record<string, number> = {
  CloseNotify: 0,
  UnexpectedMessage: 10,
  BadRecordMac: 20,
  RecordOverflow: 22,
  HandshakeFailure: 40,
  BadCertificate: 42,
  UnsupportedCertificate: 43,
  CertificateRevoked: 44,
  CertificateExpired: 45,
  CertificateUnknown: 46,
  IllegalParameter: 47,
  UnknownCA: 48,
  AccessDenied: 49,
  DecodeError: 50,
  DecryptError: 51,
  ProtocolVersion: 70,
  InsufficientSecurity: 71,
  InternalError: 80,
  InappropriateFallback: 86,
  UserCanceled: 90,
  NoRenegotiation: 100,
  MissingExtension: 109,
  UnsupportedExtension: 110,
  UnrecognisedName: 112,
  CertificateRequired: 116,
  NoApplicationProtocol: 120,
};

/**
 * rustls's error text → an outcome: "received fatal alert: HandshakeFailure" is an alert received.
 * "received corrupt message of type Handshake" is rustls refusing a handshake message: 0.20's
 * joiner says the same for a body over MAX_HANDSHAKE_SIZE (0xffff) and for one it cannot decode
 * (a wrapped 16-bit length), so it is `malformed` on the client side, not a size verdict; the
 * limits table and the bisection tell which (the list's size is known there).
 */
export function rustlsOutcome(detail: string): Outcome {
  const alert = /received fatal alert: ([A-Za-z]+)/.exec(detail);
  if (alert) {
    const code = RUSTLS_ALERTS[alert[1]!];
    return {
      class: "server-alert",
      alert: code === undefined ? alert[1]! : alertName(code),
      detail,
    };
  }
  if (/corrupt message|InvalidMessage|invalid message/i.test(detail))
    return { class: "malformed", detail, side: "client" };
  if (/connect: .*refused/i.test(detail)) return { class: "server-error", detail };
  if (/timeout|timed out|would block/i.test(detail)) return { class: "timeout", detail };
  if (/reset|broken pipe|unexpected eof|closed by the server|peer closed/i.test(detail))
    return { class: "reset", detail };
  return { class: "malformed", detail };
}

async function rustlsAvailability(): Promise<Availability> {
  const cargo = await access(DEBIAN_CARGO, constants.X_OK).then(
    () => undefined,
    () => `${DEBIAN_CARGO} is not installed on this host (Debian package cargo)`,
  );
  if (cargo) return { ok: false, reason: cargo };
  const crate = await access(DEBIAN_CRATES, constants.R_OK).then(
    () => undefined,
    () => `${DEBIAN_CRATES} is missing (Debian package librust-rustls-dev)`,
  );
  if (crate) return { ok: false, reason: crate };
  try {
    await rustlsClientBinary(); // built once per source hash (minutes from a clean cache)
  } catch (err) {
    return { ok: false, reason: `building the rustls client failed: ${messageOf(err).split("\n")[0]}` };
  }
  return { ok: true };
}

/**
 * rustls 0.20 (Debian's librust-rustls-dev, built offline): `with_single_cert`, which sends the
 * certificate whatever the list says; a wrapper counts the names rustls hands its resolver. Runs on
 * the host in both runtimes (no Rust toolchain in the image), like python: servers in the
 * container runtime are reached on the host network.
 */
export const rustlsProgram: LoopProgram = {
  hostOnly: true,
  availability: rustlsAvailability,
  async argv(_rt, port) {
    return [await rustlsClientBinary(), String(port)];
  },
  ready: /rootload-rustls-client ready on \d+ \((.*)\)/,
  classify: rustlsOutcome,
  reportsSelection: true,
};
