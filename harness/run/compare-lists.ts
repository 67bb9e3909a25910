import type { CaseResult } from "../model/case-result.ts";
import type { RootEntry, RootStore } from "../roots/root-store.ts";

const key = (der: Uint8Array) => Buffer.from(der).toString("hex");

/**
 * Compare what the policy meant to advertise with what was on the wire, name by name (DER),
 * and where the client's issuer stands.
 */
export function compareAdvertised(
  store: RootStore,
  intended: readonly RootEntry[],
  wire: readonly Uint8Array[] | undefined,
  wireListBytes: number,
  messageBytes: number,
  clientIssuerSubject: Uint8Array,
): Pick<CaseResult, "advertised" | "clientIssuerAdvertised"> {
  if (!wire) return { advertised: null, clientIssuerAdvertised: null };
  const configured = new Set(store.entries.map((e) => key(e.subjectDer)));
  const wanted = intended.map((e) => key(e.subjectDer));
  const seen = new Map<string, number>();
  for (const der of wire) {
    const k = key(der);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  let missing = 0;
  for (const k of new Set(wanted)) if (!seen.has(k)) missing++;
  let extra = 0;
  let duplicates = 0;
  for (const [k, n] of seen) {
    if (!configured.has(k)) extra += n;
    duplicates += n - 1;
  }
  const wireKeys = wire.map(key);
  const inOrder = wireKeys.length === wanted.length && wireKeys.every((k, i) => k === wanted[i]);
  return {
    advertised: {
      count: wire.length,
      bytes: wireListBytes,
      missing,
      extra,
      duplicates,
      inOrder,
      messageBytes,
    },
    clientIssuerAdvertised: seen.has(key(clientIssuerSubject)),
  };
}
