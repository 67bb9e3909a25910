import type { WrittenFix } from "./run-fix.ts";

const fmt = (n: number) => n.toLocaleString("en-US");
const signed = (n: number) => (n < 0 ? `−${fmt(-n)}` : `+${fmt(n)}`);

/** The fix as text: what is advertised now and why, trust kept, the files, then the diff. */
export function fixText(f: WrittenFix): string {
  const o = f.plan.report;
  const before = f.original;
  const lines = [
    `rootload check --fix: ${f.original.source} (${f.server}, ${f.original.endpoint})`,
    `  original: advertises ${fmt(before.advertise.length)} names; trusts ${fmt(f.trusted.length)} CAs`,
    `  fixed:    advertises ${fmt(f.plan.entries.length)} names, ${fmt(o.advertised.bytes)} B (${f.issuers.length} issuer(s) first, then ${fmt(f.plan.filled)} trusted CAs); trusts the same ${fmt(f.trusted.length)} CAs (checked: none lost)`,
    `  why:    ${f.plan.why}`,
    ...(f.plan.tightest
      ? [
          `  room:   tightest client ${f.plan.tightest.client} TLS ${f.plan.tightest.tls} ${signed(f.plan.tightest.marginBytes)} B below its limit`,
        ]
      : []),
    `  predicted after: ${o.clients.map((c) => `${c.client} ${c.tls} ${c.verdict}${c.marginBytes !== null ? ` (${signed(c.marginBytes)} B)` : ""}`).join(", ")}`,
    ...(o.issuer ?? []).map(
      (i) =>
        `  issuer: advertised at position ${i.position}${i.positionExact ? "" : " (server sorts; order approximate)"}`,
    ),
    "  changes:",
    ...f.changes.map((c) => `    ${c}`),
    `  written: ${f.outDir}/ (start the server on ${f.mainFile})`,
    "",
  ];
  return `${lines.join("\n")}${f.diff}`;
}
