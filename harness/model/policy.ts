import { SCHANNEL_2003_BYTES, SCHANNEL_BYTES } from "./limits.ts";

/**
 * What the server advertises in its CertificateRequest versus what it verifies against.
 * Every policy verifies against the whole store.
 */
export type IssuerPolicy =
  | { kind: "all" }
  | { kind: "none" }
  /** Advertise the longest prefix of the store whose CA list fits `bytes` (Schannel's behaviour). */
  | { kind: "truncate-bytes"; bytes: number; preset?: "schannel" | "schannel-2003" }
  /** Advertise exactly these names (subject DERs), in this order. */
  | { kind: "explicit"; subjects: readonly Uint8Array[] };

export type PolicyKind = IssuerPolicy["kind"];
export const POLICY_KINDS: readonly PolicyKind[] = ["all", "none", "truncate-bytes", "explicit"];

/** A policy as written in a scenario: "all" | "none" | "truncate-bytes:N" | "schannel" | "schannel-2003". */
export type PolicyText = "all" | "none" | "schannel" | "schannel-2003" | `truncate-bytes:${number}`;

/** The policy's name as written in scenarios and reports. */
export function policyName(p: IssuerPolicy): string {
  switch (p.kind) {
    case "truncate-bytes":
      return p.preset ?? `truncate-bytes:${p.bytes}`;
    case "explicit":
      return `explicit:${p.subjects.length}`;
    default:
      return p.kind;
  }
}

/** Parse "all", "none", "truncate-bytes:N", "schannel", "schannel-2003"; undefined if not a policy. */
export function parsePolicy(text: string): IssuerPolicy | undefined {
  if (text === "all" || text === "none") return { kind: text };
  if (text === "schannel") return { kind: "truncate-bytes", bytes: SCHANNEL_BYTES, preset: "schannel" };
  if (text === "schannel-2003")
    return { kind: "truncate-bytes", bytes: SCHANNEL_2003_BYTES, preset: "schannel-2003" };
  const m = /^truncate-bytes:(\d+)$/.exec(text);
  if (m) return { kind: "truncate-bytes", bytes: Number(m[1]) };
  return undefined;
}
