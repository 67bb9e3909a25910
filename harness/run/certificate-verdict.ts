import type { ApplicationAnswer } from "../clients/application-answer.ts";
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
  /** What the application answered a client without a certificate (asked when it matters). */
  answer?: ApplicationAnswer;
}

/** Whether the application has to be asked: a completed handshake without the client's certificate. */
export function needsAnswer(
  outcome: Outcome,
  certificate: WithoutCertificate["certificate"],
  requirement: CertificateRequirement,
): boolean {
  return outcome.class === "ok" && certificate?.sent === false && requirement !== "optional";
}

/**
 * A completed handshake is not a way in. A server that requires a certificate may finish the TLS
 * handshake without one and refuse at the application layer: nginx (`ssl_verify_client on` only
 * sets SSL_VERIFY_PEER; the HTTP layer answers 400 "No required SSL certificate was sent"),
 * PostgreSQL (ErrorResponse on the StartupMessage). So a client that held a certificate and sent
 * none is never `ok` unless the server lets such a client in: known from its config
 * (`clientAuth: "optional"`), or seen, when the application asked as that client would be (an
 * HTTP request, PostgreSQL's StartupMessage) let it in. When its issuer was cut from the list the
 * server's list is at fault (`issuer-not-advertised`, side server, as when the server refuses in
 * the handshake); otherwise the client chose none from a list that named its issuer (side client).
 * A server whose requirement rootload does not know (an endpoint, a user's template) and whose
 * application gave no answer is not counted as letting the client in: that was not measured.
 */
export function judgeWithoutCertificate(w: WithoutCertificate): Outcome {
  if (!needsAnswer(w.outcome, w.certificate, w.requirement) || !w.certificate) return w.outcome;
  if (w.answer?.kind === "let-in") return w.outcome;
  const seen = w.certificate.issuersSeen === null ? "" : ` for ${w.certificate.issuersSeen} advertised names`;
  const asked = w.answer ? `; asked without a certificate, the application answered: ${w.answer.text}` : "";
  const after =
    w.answer?.kind === "refused"
      ? `${w.server} finished the handshake anyway and refused after it${asked}`
      : w.requirement === "require"
        ? `${w.server} requires one and finished the handshake anyway: it refuses after the handshake, so this client does not get in${asked}`
        : `${w.server} finished the handshake anyway; whether it lets a client without a certificate in was not measured, so this is not counted as getting in${asked}`;
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
