import type { Outcome } from "../model/outcome.ts";
import type { CertAndKey, TestPki } from "../pki/test-pki.ts";
import { certificateNames } from "../roots/der.ts";
import type { HandshakeOptions, HandshakeResult } from "./tls-client.ts";

/** The certificate a client would present, after the issuer-hint rule. */
export interface Selection {
  /** The certificate and key to present; undefined = connect without one. */
  identity?: CertAndKey;
  /** True when a certificate was held but left out because its issuer was not advertised. */
  withheld: boolean;
}

/** The certificate for an identity name. */
export function identityOf(
  pki: TestPki,
  identity: "client" | "stranger" | "none" = "client",
): CertAndKey | undefined {
  return identity === "none" ? undefined : pki[identity];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/**
 * The names that make a certificate eligible when advertised: its issuer, and for a certificate
 * with a chain every CA name up the chain (Windows and JSSE accept a chain to any listed CA).
 */
export function acceptableIssuers(held: CertAndKey): Uint8Array[] {
  const out = [certificateNames(held.certDer).issuer];
  for (const der of held.chainDer ?? [])
    out.push(certificateNames(der).subject, certificateNames(der).issuer);
  return out;
}

/** True when `issuerDer` is one of the advertised names, byte for byte (RFC 5246 §7.4.4 compares DER). */
export function issuerAdvertised(issuerDer: Uint8Array, advertised: readonly Uint8Array[]): boolean {
  return advertised.some((a) => sameBytes(a, issuerDer));
}

/**
 * Windows' selection rule (KB 2801679): a non-empty advertised list that lacks the certificate's
 * issuer means "no certificate"; an empty or unknown list means "any certificate".
 */
export function selectIdentity(
  pki: TestPki,
  identity: "client" | "stranger" | "none" | undefined,
  advertised: readonly Uint8Array[] | undefined,
): Selection {
  const held = identityOf(pki, identity);
  if (!held || !advertised || advertised.length === 0) return { identity: held, withheld: false };
  return acceptableIssuers(held).some((issuer) => issuerAdvertised(issuer, advertised))
    ? { identity: held, withheld: false }
    : { withheld: true };
}

/** One line for an outcome, for the detail of another. */
export function outcomeText(o: Outcome): string {
  if (o.class === "server-alert") return `server-alert ${o.alert}`;
  return "detail" in o && o.detail ? `${o.class}: ${o.detail}` : o.class;
}

/**
 * Run a handshake under the selection rule: the certificate is withheld when its issuer was not
 * advertised, the server's reaction is real, and a failure then is reported as
 * `issuer-not-advertised` with the server's reaction as detail.
 */
export async function withIssuerSelection(
  o: HandshakeOptions,
  run: (identity: CertAndKey | undefined) => Promise<HandshakeResult>,
): Promise<HandshakeResult> {
  const sel = selectIdentity(o.pki, o.identity, o.advertised);
  const r = await run(sel.identity);
  // What the emulated selection chose is known for certain: say so, as java and go do, so that a
  // handshake the server finishes without the certificate is not taken for a way in (run-case).
  const certificate = identityOf(o.pki, o.identity)
    ? { sent: !sel.withheld, issuersSeen: o.advertised ? o.advertised.length : null }
    : undefined;
  if (!sel.withheld || r.outcome.class === "ok") return { ...r, ...(certificate ? { certificate } : {}) };
  return {
    ...r,
    ...(certificate ? { certificate } : {}),
    outcome: {
      class: "issuer-not-advertised",
      detail: `no certificate sent: issuer not among ${o.advertised!.length} advertised names; server: ${outcomeText(r.outcome)}`,
    },
  };
}
