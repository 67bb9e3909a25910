import type { Outcome } from "../model/outcome.ts";
import type { ServerSpec } from "../scenario/define-scenario.ts";

/**
 * Whether the server under test requires a client certificate: `require`/`optional` when rootload
 * wrote its config (the driver's `clientAuth`, default require), `unknown` when the user's config
 * or a running endpoint decides.
 */
export type CertificateRequirement = "require" | "optional" | "unknown";

export function certificateRequirement(spec: ServerSpec): CertificateRequirement {
  if (spec.driver === "endpoint" || spec.config !== undefined) return "unknown";
  return spec.clientAuth ?? "require";
}

/** What a case knows about a handshake that completed without the client's certificate. */
export interface WithoutCertificate {
  /** The client's outcome so far (assigned a side). */
  outcome: Outcome;
  /** What the client reported choosing; undefined when it does not tell (it sends what it holds). */
  certificate: { sent: boolean; issuersSeen: number | null } | undefined;
  requirement: CertificateRequirement;
  /** The client issuer was on the wire (null: no CertificateRequest read). */
  clientIssuerAdvertised: boolean | null;
  /** The server's driver, for the detail. */
  server: string;
}

/**
 * A completed handshake is not a way in. A server that requires a certificate may finish the TLS
 * handshake without one and refuse at the application layer: nginx (`ssl_verify_client on` only
 * sets SSL_VERIFY_PEER; the HTTP layer answers 400 "No required SSL certificate was sent"),
 * PostgreSQL (ErrorResponse on the StartupMessage), lighttpd, Node's JS verification. So a
 * client that held a certificate and sent none is never `ok` unless the server is known to let
 * such a client in (`clientAuth: "optional"`): when its issuer was cut from the list the server's
 * list is at fault (`issuer-not-advertised`, side server, as when the server refuses in the
 * handshake); otherwise the client chose none from a list that named its issuer (side client).
 * A server whose requirement rootload does not know (an endpoint, a user's template) is not
 * assumed to let the client in either: that was not measured.
 */
export function judgeWithoutCertificate(w: WithoutCertificate): Outcome {
  if (w.outcome.class !== "ok" || w.certificate?.sent !== false || w.requirement === "optional")
    return w.outcome;
  const seen = w.certificate.issuersSeen === null ? "" : ` for ${w.certificate.issuersSeen} advertised names`;
  const after =
    w.requirement === "require"
      ? `${w.server} requires one and finished the handshake anyway: it refuses after the handshake (the application layer), so this client does not get in`
      : `${w.server} finished the handshake anyway; whether it lets a client without a certificate in is decided after the handshake and was not measured, so this is not counted as getting in`;
  if (w.clientIssuerAdvertised === false)
    return {
      class: "issuer-not-advertised",
      side: "server",
      detail: `no certificate sent: the client's own selection chose none${seen} (its issuer was cut from the list); ${after}`,
    };
  return {
    class: "issuer-not-advertised",
    side: "client",
    detail: `no certificate sent although its issuer was ${w.clientIssuerAdvertised ? "advertised" : "not known to be advertised"}: the client's own selection chose none${seen}; ${after}`,
  };
}
