import { SCHANNEL_2003_BYTES, SCHANNEL_BYTES } from "./limits.ts";

/**
 * Where the client certificate's issuer stands in what a server is given to advertise, before its
 * policy applies: left out (the list without the issuer: a CA added to the trust store but not to
 * the advertised file), first, last (appended to the bundle, so a truncation cuts it), or at a
 * 1-based position. Verification is unchanged: the issuer stays trusted.
 */
export type IssuerPlacement = "omitted" | "first" | "last" | number;

/**
 * What the server advertises in its CertificateRequest versus what it verifies against.
 * Every policy verifies against the whole store. `issuer` places the client's issuer in the list
 * the policy is applied to (not in the store the server verifies against).
 */
export type IssuerPolicy = (
  | { kind: "all" }
  | { kind: "none" }
  /** Advertise the longest prefix of the store whose CA list fits `bytes` (Schannel's behaviour). */
  | { kind: "truncate-bytes"; bytes: number; preset?: "schannel" | "schannel-2003" }
  /** Advertise exactly these names (subject DERs), in this order. */
  | { kind: "explicit"; subjects: readonly Uint8Array[] }
) & { issuer?: IssuerPlacement };

export type PolicyKind = IssuerPolicy["kind"];
export const POLICY_KINDS: readonly PolicyKind[] = ["all", "none", "truncate-bytes", "explicit"];

/**
 * A policy as written in a scenario: "all" | "none" | "truncate-bytes:N" | "schannel" |
 * "schannel-2003", optionally followed by "/issuer:omitted|first|last|N" (not after "none").
 */
export type PolicyText =
  | "all"
  | "none"
  | "schannel"
  | "schannel-2003"
  | `truncate-bytes:${number}`
  | `${"all" | "schannel" | "schannel-2003" | `truncate-bytes:${number}`}/issuer:${"omitted" | "first" | "last" | number}`;

/** The policy's name as written in scenarios and reports. */
export function policyName(p: IssuerPolicy): string {
  const placed = p.issuer === undefined ? "" : `/issuer:${p.issuer}`;
  switch (p.kind) {
    case "truncate-bytes":
      return (p.preset ?? `truncate-bytes:${p.bytes}`) + placed;
    case "explicit":
      return `explicit:${p.subjects.length}${placed}`;
    default:
      return p.kind + placed;
  }
}

function parseBase(text: string): IssuerPolicy | undefined {
  if (text === "all" || text === "none") return { kind: text };
  if (text === "schannel") return { kind: "truncate-bytes", bytes: SCHANNEL_BYTES, preset: "schannel" };
  if (text === "schannel-2003")
    return { kind: "truncate-bytes", bytes: SCHANNEL_2003_BYTES, preset: "schannel-2003" };
  const m = /^truncate-bytes:(\d+)$/.exec(text);
  if (m) return { kind: "truncate-bytes", bytes: Number(m[1]) };
  return undefined;
}

/**
 * Parse "all", "none", "truncate-bytes:N", "schannel", "schannel-2003", each but "none" optionally
 * with "/issuer:omitted|first|last|N" (N ≥ 1); undefined if not a policy.
 */
export function parsePolicy(text: string): IssuerPolicy | undefined {
  const [base, placement, ...extra] = text.split("/");
  const p = parseBase(base!);
  if (!p || extra.length) return undefined;
  if (placement === undefined) return p;
  if (p.kind === "none") return undefined;
  const m = /^issuer:(omitted|first|last|[1-9]\d*)$/.exec(placement);
  if (!m) return undefined;
  const at = m[1]!;
  return { ...p, issuer: /^\d+$/.test(at) ? Number(at) : (at as "omitted" | "first" | "last") };
}
