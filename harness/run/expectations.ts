import type { CaseResult } from "../model/case-result.ts";
import { sideOf } from "../model/outcome.ts";
import type { Expectation } from "../scenario/define-scenario.ts";

/** A short human name for an expectation, for JUnit and reports. */
export function expectationName(e: Expectation): string {
  if (e.name) return e.name;
  const parts: string[] = [];
  if (e.outcome) parts.push(`outcome ${[e.outcome].flat().join("|")}`);
  if (e.alert) parts.push(`alert ${e.alert}`);
  if (e.side) parts.push(`side ${e.side}`);
  if (e.certificateSent !== undefined) parts.push(`certificate ${e.certificateSent ? "" : "not "}sent`);
  if (e.advertises) parts.push(`advertises ${e.advertises}`);
  if (e.clientIssuerAdvertised !== undefined)
    parts.push(`client issuer ${e.clientIssuerAdvertised ? "" : "not "}advertised`);
  return parts.join(", ") || "expectation";
}

/** Whether the expectation's selector matches the case. */
export function selects(e: Expectation, c: CaseResult): boolean {
  const w = e.when;
  if (!w) return true;
  return (
    (w.server === undefined || ([w.server].flat() as string[]).includes(c.server)) &&
    (w.tls === undefined || c.tls === w.tls) &&
    (w.client === undefined || [w.client].flat().includes(c.client)) &&
    (w.selection === undefined || c.selection === w.selection) &&
    within(c.advertised?.bytes, w.minAdvertisedBytes, w.maxAdvertisedBytes) &&
    within(c.advertised?.messageBytes, w.minMessageBytes, w.maxMessageBytes) &&
    (w.policy === undefined || ([w.policy].flat() as string[]).includes(c.policy)) &&
    (w.minBytes === undefined || (c.configured?.caListBytes ?? 0) >= w.minBytes) &&
    (w.maxBytes === undefined || (c.configured?.caListBytes ?? 0) <= w.maxBytes) &&
    (w.step === undefined || [w.step].flat().includes(c.step.label))
  );
}

/** A bound on a wire figure: a case with no CertificateRequest read matches no bound. */
function within(v: number | undefined, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined && max === undefined) return true;
  if (v === undefined) return false;
  return (min === undefined || v >= min) && (max === undefined || v <= max);
}

/** Evaluate every matching expectation against a finished case. */
export function evaluate(
  expectations: readonly Expectation[],
  c: CaseResult,
): NonNullable<CaseResult["expectations"]> {
  const out: NonNullable<CaseResult["expectations"]> = [];
  for (const e of expectations) {
    if (!selects(e, c)) continue;
    const failures: string[] = [];
    if (e.outcome) {
      const allowed = [e.outcome].flat();
      if (!allowed.includes(c.outcome.class))
        failures.push(`outcome is ${describe(c)}, expected ${allowed.join(" or ")}`);
    }
    if (e.alert !== undefined) {
      const alert = c.outcome.class === "server-alert" ? c.outcome.alert : undefined;
      if (alert !== e.alert) failures.push(`alert is ${alert ?? "none"}, expected ${e.alert}`);
    }
    if (e.side !== undefined) {
      const side = sideOf(c.outcome);
      if (side !== e.side) failures.push(`side is ${side ?? "none (ok)"}, expected ${e.side}`);
    }
    if (e.certificateSent !== undefined) {
      const sent = c.clientCertificate?.sent;
      if (sent !== e.certificateSent)
        failures.push(
          `the client ${sent === undefined ? "did not report whether it sent a certificate" : sent ? "sent a certificate" : "sent no certificate"}, expected ${e.certificateSent ? "one" : "none"}`,
        );
    }
    if (e.advertises) {
      const a = c.advertised;
      if (!a) failures.push(`no CertificateRequest was read (probe: ${c.probeOutcome.class})`);
      else if (e.advertises === "none" && a.count !== 0)
        failures.push(`advertised ${a.count} names, expected none`);
      else if (
        e.advertises === "all" &&
        a.count - a.duplicates < (c.configured?.names ?? c.configured?.count ?? 0)
      )
        failures.push(
          `advertised ${a.count - a.duplicates} of ${c.configured?.names ?? c.configured?.count ?? 0} configured names`,
        );
      // Repeats of a name (Node sends re-keyed roots' shared names twice) are counted apart.
      // Validation refuses "intended" on servers tested as configured; a case without one fails.
      else if (e.advertises === "intended" && !c.intended)
        failures.push("the server is tested as configured: it has no intended list");
      else if (
        e.advertises === "intended" &&
        c.intended &&
        (a.count - a.duplicates !== c.intended.count || a.missing > 0 || a.extra > 0)
      )
        failures.push(
          `advertised ${a.count} names (${a.missing} missing, ${a.extra} extra), policy intends ${c.intended.count}`,
        );
    }
    if (e.clientIssuerAdvertised !== undefined && c.clientIssuerAdvertised !== e.clientIssuerAdvertised)
      failures.push(
        `client issuer advertised is ${c.clientIssuerAdvertised}, expected ${e.clientIssuerAdvertised}`,
      );
    out.push({
      expect: expectationName(e),
      pass: failures.length === 0,
      message: failures.join("; ") || "ok",
    });
  }
  return out;
}

function describe(c: CaseResult): string {
  return c.outcome.class === "server-alert" ? `server-alert (${c.outcome.alert})` : c.outcome.class;
}
