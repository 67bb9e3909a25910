import type { Outcome, OutcomeSide } from "../model/outcome.ts";

const VAGUE = new Set(["reset", "timeout"]);

function withSide(o: Outcome, side: OutcomeSide): Outcome {
  return o.class === "ok" ? o : { ...o, side };
}

/**
 * The probe is a conforming client that sends no certificate and stops at the CertificateRequest:
 * when it fails, the server aborted or sent something broken. A bare reset or timeout says nothing
 * about why.
 */
export function probeSide(probeOutcome: Outcome): Outcome {
  if (probeOutcome.class === "ok" || probeOutcome.side) return probeOutcome;
  return withSide(probeOutcome, VAGUE.has(probeOutcome.class) ? "unknown" : "server");
}

/**
 * Who failed a client handshake, judged from both sides. When the probe read a well-formed flight
 * up to the CertificateRequest, a later failure is the client's (it refused what it got, or
 * misbehaved so that the server aborted, e.g. node-forge on a CertificateRequest spread over 4
 * records); when the probe failed too, the server's. `issuer-not-advertised` is the server's: its
 * list cut the issuer. A reset or timeout after a good flight cannot be told apart: unknown.
 * A flight the probe read but found against the RFC (`violations`, e.g. OpenSSL's empty TLS 1.3
 * certificate_authorities extension) is not well-formed: a client refusing it is the server's
 * failure. A side the client already set (it knows, e.g. it is not installed) is kept.
 */
export function assignSide(
  outcome: Outcome,
  probeOutcome: Outcome,
  violations: readonly string[] = [],
): Outcome {
  if (outcome.class === "ok" || outcome.side) return outcome;
  switch (outcome.class) {
    case "issuer-not-advertised":
    case "server-error":
      return withSide(outcome, "server");
    case "client-unavailable":
      return withSide(outcome, "client");
  }
  if (probeOutcome.class !== "ok")
    return withSide(outcome, VAGUE.has(probeOutcome.class) ? "unknown" : "server");
  if (VAGUE.has(outcome.class)) return withSide(outcome, "unknown");
  return withSide(outcome, violations.length > 0 ? "server" : "client");
}
