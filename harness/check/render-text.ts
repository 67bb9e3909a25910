import { formatInt } from "../format-int.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { CheckReport } from "./check.ts";
import { describeOn, describeVersion } from "./limit-lookup.ts";
import { CLIENT_PROFILES, type MeasuredOn, SERVER_PROFILES, SERVER_STACKS } from "./limits.ts";
import type { ClientVerdict, ServerVerdict } from "./verdict.ts";

const signed = (n: number) => (n >= 0 ? `+${formatInt(n)} B` : `−${formatInt(-n)} B`);

function serverCell(v: ServerVerdict | undefined): string {
  if (!v) return "-";
  if (v.verdict === "not-measured") return `not measured on ${v.version?.version ?? "this version"}`;
  if (v.verdict === "depends-on-version") return "depends on the version";
  if (v.verdict === "truncates")
    return v.sent.entries.length === 0
      ? "truncates: no names (extension left out)"
      : `truncates: ${v.sent.entries.length} of ${v.count} names`;
  // MariaDB: nothing it is given is ever advertised, so no margin means anything.
  if (SERVER_PROFILES[v.server].advertises === "never") return "sends no names (never does)";
  return v.marginBytes === null ? v.verdict : `${v.verdict} (${signed(v.marginBytes)})`;
}

function clientCell(v: ClientVerdict | undefined): string {
  if (!v) return "-";
  if (v.verdict === "not-measured") return "not measured on this version";
  return v.marginBytes === null ? v.verdict : `${v.verdict} (${signed(v.marginBytes)})`;
}

/**
 * Which package versions the limits come from, one entry per package: the version in use and
 * where it was found, or (none known) the versions measured. Wrapped to stay within 120 columns.
 */
function versionLines(
  label: string,
  verdicts: readonly {
    verdict: string;
    tls: string;
    measuredOn?: MeasuredOn | MeasuredOn[];
    limitBytes?: number | null;
  }[],
  r: CheckReport,
): string[] {
  // With a version known, the limit it gives per TLS version (one figure per TLS version only).
  const limitsOf = (pkg: string) => {
    const per = new Map<string, Set<number>>();
    for (const v of verdicts)
      if (typeof v.limitBytes === "number" && [v.measuredOn ?? []].flat().some((o) => o.package === pkg))
        per.set(v.tls, (per.get(v.tls) ?? new Set()).add(v.limitBytes));
    const shown = [...per]
      .filter(([, l]) => l.size === 1)
      .map(([t, l]) => `TLS ${t} ≤ ${formatInt([...l][0]!)} B`);
    return shown.length ? `: ${shown.join(", ")}` : "";
  };
  const measured = verdicts.flatMap((v) => v.measuredOn ?? []);
  const notMeasured = new Set(
    verdicts
      .filter((v) => v.verdict === "not-measured")
      .flatMap((v) => [v.measuredOn ?? []].flat().map((o) => o.package)),
  );
  const byPackage = new Map<string, Set<string>>();
  for (const on of measured) {
    const ranges = byPackage.get(on.package) ?? new Set<string>();
    ranges.add(describeOn(on).slice(on.package.length + 1));
    byPackage.set(on.package, ranges);
  }
  if (byPackage.size === 0) return [];
  const parts = [...byPackage].map(([pkg, ranges]) => {
    const known = r.versions[pkg];
    const table = [...ranges].join(", ");
    if (!known) return `${pkg} ${table}`;
    return notMeasured.has(pkg)
      ? `${describeVersion(pkg, known)} NOT MEASURED (the table has ${table})`
      : `${describeVersion(pkg, known)}${limitsOf(pkg)}`;
  });
  const lines: string[] = [];
  let line = `  ${label}:`;
  for (const [i, p] of parts.entries()) {
    if (i > 0 && line.length + p.length + 3 > 118) {
      lines.push(`${line};`);
      line = "   ";
    } else if (i > 0) line += ";";
    line += ` ${p}`;
  }
  lines.push(line);
  return lines;
}

/** Rows with the same cells are one row: a person reads one screen, not 26 lines. */
function grouped<K extends string>(keys: readonly K[], cells: (k: K) => string[]): [string, string[]][] {
  const rows = new Map<string, { names: K[]; cells: string[] }>();
  for (const k of keys) {
    const c = cells(k);
    const key = c.join("\u0000");
    const row = rows.get(key);
    if (row) row.names.push(k);
    else rows.set(key, { names: [k], cells: c });
  }
  return [...rows.values()].map((r) => [r.names.join(" "), r.cells]);
}

function table(head: string[], rows: [string, string[]][]): string[] {
  const all = [head, ...rows.map(([n, c]) => [n, ...c])];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) =>
    `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("   ")}`.trimEnd(),
  );
}

/** One screen of text: the list, the servers, the clients, the issuer, and what breaks. */
export function checkText(r: CheckReport): string {
  const s = r.setup;
  const tls = [...new Set(r.servers.map((v) => v.tls))] as TlsVersion[];
  const out: string[] = [`rootload check: ${s.source}`];
  if (s.server) out.push(`  ${s.server} config${s.endpoint ? `, ${s.endpoint}` : ""}`);
  for (const f of s.from) out.push(`  ${f}`);
  const a = r.advertised;
  const msg = tls.map((t) => `${formatInt(a.messageBytes[t] ?? 0)} B (TLS ${t})`).join(", ");
  if (s.caNames !== "sent")
    out.push(
      `  CA names turned off (${s.caNames === "off-omitted" ? "extension left out" : "TLS 1.3 sends an empty extension"}); ${formatInt(s.verifyOnly.length + s.advertise.length)} CAs trusted`,
    );
  else
    out.push(
      `  advertises ${formatInt(a.entries.length)} names, ${formatInt(a.bytes)} B (as ${r.reference} builds it, from ${formatInt(s.advertise.length)} certificates${s.verifyOnly.length ? `; ${formatInt(s.verifyOnly.length)} more trusted, not advertised` : ""})`,
      `  CertificateRequest ${msg}, its 4-byte header included`,
    );
  for (const n of s.notes) out.push(`  note: ${n}`);
  if (r.windows) out.push(...windowsLines(r));
  out.push(`  ${scopeLine(r)}`);
  out.push("");
  const servers = SERVER_STACKS.filter((x) => r.servers.some((v) => v.server === x));
  out.push(
    ...table(
      ["server", ...tls.map((t) => `TLS ${t}`)],
      grouped(servers, (x) =>
        tls.map((t) => serverCell(r.servers.find((v) => v.server === x && v.tls === t))),
      ),
    ),
  );
  out.push(...versionLines("limits known for", r.servers, r));
  out.push("");
  const clients = [...new Set(r.clients.map((c) => c.client))];
  out.push(
    ...table(
      [`client (vs ${r.reference})`, ...tls.map((t) => `TLS ${t}`)],
      grouped(clients, (c) =>
        tls.map((t) =>
          clientCell(
            r.clients.find((v) => v.client === c && (v.tls === t || (v.tls === "1.0" && t === tls[0]))),
          ),
        ),
      ),
    ),
  );
  out.push(...versionLines("client caps known for", r.clients, r));
  out.push(...coverageLines(r));
  if (r.issuer) {
    out.push("");
    const ref = r.issuer.find((i) => i.server === r.reference)!;
    const cut = r.issuer.filter((i) => i.listed && !i.advertised).map((i) => i.server);
    const where =
      ref.position === null
        ? "not in the list"
        : `position ${ref.positionExact ? "" : "≈"}${ref.position} of ${a.entries.length}`;
    out.push(
      `  client issuer: ${ref.advertised ? "advertised" : "NOT advertised"} by ${r.reference} (${where})${cut.length ? `; cut by ${cut.join(", ")}` : ""}`,
    );
    // Truncation does not depend on the TLS version: one line per truncating server.
    const truncating = r.servers.filter(
      (v, i, all) =>
        v.verdict === "truncates" &&
        v.sent.entries.length > 0 &&
        all.findIndex((w) => w.server === v.server && w.verdict === "truncates") === i,
    );
    for (const v of truncating) {
      const st = r.issuer.find((i) => i.server === v.server);
      if (st?.position)
        out.push(
          `    ${v.server}: keeps the first ${v.sent.entries.length} names; the issuer is #${st.position}: ${st.advertised ? "advertised" : "CUT"}`,
        );
    }
  }
  out.push("");
  // One line per (who, verdict), its TLS versions joined, the first version's reason shown.
  const lines = new Map<string, { who: string; verdict: string; tls: string[]; reason: string }>();
  const add = (who: string, verdict: string, t: string, reason: string) => {
    const l = lines.get(`${who} ${verdict}`);
    if (l) l.tls.push(t);
    else lines.set(`${who} ${verdict}`, { who, verdict, tls: [t], reason });
  };
  const unknown = new Set(["not-measured", "depends-on-version"]);
  const inScope = (server: string) => r.scope.servers.includes(server as never);
  for (const v of r.servers)
    if (v.verdict !== "sends" && !unknown.has(v.verdict) && inScope(v.server))
      add(v.server, v.verdict, v.tls, v.reason);
  for (const c of r.clients)
    if (c.verdict !== "accepts" && !unknown.has(c.verdict))
      add(`${c.client} client`, c.verdict, c.tls, c.reason);
  const broken = [...lines.values()].map((l) => `${l.who} TLS ${l.tls.join(", ")} ${l.verdict}: ${l.reason}`);
  // Not predicted: said apart from what breaks, never guessed from another version's figure.
  const unpredicted = new Map<string, { who: string; tls: string[]; reason: string }>();
  const addUnknown = (who: string, t: string, reason: string) => {
    const u = unpredicted.get(`${who}\u0000${reason}`);
    if (u) u.tls.push(t);
    else unpredicted.set(`${who}\u0000${reason}`, { who, tls: [t], reason });
  };
  for (const v of r.servers)
    if (unknown.has(v.verdict) && inScope(v.server)) addUnknown(v.server, v.tls, v.reason);
  for (const c of r.clients) if (unknown.has(c.verdict)) addUnknown(`${c.client} client`, c.tls, c.reason);
  if (unpredicted.size) {
    out.push(`? not predicted (${unpredicted.size}):`);
    for (const u of unpredicted.values()) out.push(`  ${u.who} TLS ${u.tls.join(", ")}: ${u.reason}`);
  }
  const outside = [
    ...new Set(r.servers.filter((v) => v.verdict !== "sends" && !inScope(v.server)).map((v) => v.server)),
  ];
  if (outside.length)
    out.push(
      `outside the scope, not counted in the exit status: ${outside.join(", ")} (name yours with --server)`,
    );
  if (!r.breaks)
    out.push(
      r.unpredicted
        ? "✓ nothing predicted to break, but not everything could be predicted (above)"
        : `✓ predicted to work for ${r.scope.servers.join(", ")} and the ${r.coverage.judged.length} client${r.coverage.judged.length === 1 ? "" : "s"} judged (${r.coverage.judged.map((j) => j.client).join(", ")})${r.coverage.noLimitFor.length ? `; nothing said for the ${r.coverage.noLimitFor.length} common stacks without a limit (above)` : ""}`,
    );
  else {
    out.push(`✗ predicted to break (${broken.length}):`);
    const shown = broken.slice(0, 8);
    for (const b of shown) out.push(`  ${b}`);
    if (broken.length > shown.length) out.push(`  … ${broken.length - shown.length} more (--json for all)`);
    if (r.windows?.issuerTrust && !r.windows.issuerTrust.trusted)
      out.push(`  schannel refuses the client certificate: ${r.windows.issuerTrust.reason}`);
    const notAdvertised = (r.issuer ?? [])
      .filter((i) => !i.advertised && inScope(i.server))
      .map((i) => i.server);
    if (notAdvertised.length && s.caNames === "sent")
      out.push(
        `  the client's issuer is not advertised by ${notAdvertised.join(", ")}: Java, Go and Windows-style clients send no certificate there`,
      );
  }
  out.push("limits and where each was measured: rootload check --limits");
  return `${out.join("\n")}\n`;
}

/** The Windows Server as configured: every value with its source, marked as emulated from documentation. */
function windowsLines(r: CheckReport): string[] {
  const w = r.windows!;
  // Sources as numbered footnotes: the URL (first word of each document reference), once each.
  const docs: string[] = [];
  const ref = (document: string) =>
    (document.match(/https?:\/\/\S+/g) ?? [document])
      .map((u) => u.replace(/[:;,]+$/, ""))
      .map((url) => {
        if (!docs.includes(url)) docs.push(url);
        return `[${docs.indexOf(url) + 1}]`;
      })
      .join("");
  const out = [`  ${w.label} as configured — EMULATED from Microsoft documentation, not measured:`];
  for (const s of w.settings)
    out.push(
      `    ${s.name} = ${s.value}  ${s.from.kind === "default" ? `default ${ref(s.from.document)}` : `(${s.from.flag})`}`,
    );
  out.push(
    `    list from the ${w.listFrom.store} store: ${formatInt(w.listFrom.count)} certificates, ${formatInt(w.listFrom.bytes)} B`,
    `      (${w.listFrom.why})`,
    w.namesSent
      ? "    names sent (SendTrustedIssuerList=1), cut at the list limit"
      : "    no names sent (SendTrustedIssuerList=0): clients that choose by the list may offer any certificate",
  );
  if (w.kb2880390)
    out.push(
      w.kb2880390.fails
        ? `    KB 2880390 ${ref(w.kb2880390.source)}: Root store list ${formatInt(w.kb2880390.rootStoreBytes)} B > ${formatInt(w.kb2880390.limitBytes)} B: client authentication FAILS whatever SendTrustedIssuerList says`
        : `    KB 2880390 ${ref(w.kb2880390.source)}: ${w.kb2880390.fixed ? "hotfix installed" : `Root store list ${formatInt(w.kb2880390.rootStoreBytes)} B ≤ ${formatInt(w.kb2880390.limitBytes)} B`}: not triggered`,
    );
  if (w.issuerTrust)
    out.push(
      `    client issuer ${w.issuerTrust.trusted ? "trusted" : "NOT TRUSTED"}: ${w.issuerTrust.reason}`,
    );
  out.push(
    `    the server accepts a client Certificate message up to ${formatInt(w.clientCertificateMessageLimitBytes)} B (MessageLimitServerClientAuth; not judged here)`,
    `    TLS versions: ${[...new Set(r.servers.map((v) => v.tls))].join(", ")} ${ref(w.tlsSource)}`,
    ...docs.map((d, i) => `    [${i + 1}] ${d}`),
  );
  return out;
}

const BASIS = {
  measured: "measured",
  source: "from source, not measured",
  "no-size-cap": "no size cap known",
};

/** Which clients the table above speaks for, and which common stacks it cannot (wrapped to 118 columns). */
function coverageLines(r: CheckReport): string[] {
  const c = r.coverage;
  const byBasis = new Map<string, string[]>();
  for (const j of c.judged) byBasis.set(BASIS[j.basis], [...(byBasis.get(BASIS[j.basis]) ?? []), j.client]);
  const lines = [
    `  clients judged: ${[...byBasis].map(([b, names]) => `${names.join(" ")} (${b})`).join("; ")}`,
  ];
  if (c.notNamed.length)
    lines.push(`  in the table, not named (add with --clients): ${c.notNamed.join(" ")}`);
  if (c.noLimitFor.length) {
    const head = "  no limit in the table for (not judged):";
    let line = head;
    for (const [i, s] of c.noLimitFor.entries()) {
      const part = `${s.stack}${i < c.noLimitFor.length - 1 ? "," : ""}`;
      if (line.length + part.length + 1 > 118) {
        lines.push(line);
        line = "   ";
      }
      line += ` ${part}`;
    }
    lines.push(line);
  }
  return lines;
}

/** Which servers the exit status counts, and why those. */
function scopeLine(r: CheckReport): string {
  const shown = new Set(r.servers.map((v) => v.server));
  const list =
    r.scope.servers.length > 4 && r.scope.servers.length === shown.size
      ? "every server above"
      : r.scope.servers.join(", ");
  if (r.scope.from === "config") return `scope: ${list} (the config's server; name others with --server)`;
  if (r.scope.from === "--server") return `scope: ${list} (--server)`;
  return `scope: ${list} (no --server, no config: the reference; the others are shown, not counted in the exit status)`;
}

/** `--limits`: the table the check predicts from, with the versions and evidence of each figure. */
export function limitsText(): string {
  const out = ["server limits (CA list bytes = sum of 2 + DER subject), per package version:"];
  for (const [name, p] of Object.entries(SERVER_PROFILES))
    for (const [t, entries] of Object.entries(p.limits))
      for (const l of entries)
        out.push(
          `  ${name.padEnd(13)} TLS ${t}  ≤ ${formatInt(l.maxListBytes).padStart(6)} B, then ${l.past.kind}  on ${describeOn(l.on)}  [${l.evidence.how}: ${l.evidence.where}]`,
        );
  out.push("client limits:");
  for (const [name, c] of Object.entries(CLIENT_PROFILES)) {
    const parts: string[] = [];
    if (c.maxBodyBytes)
      parts.push(
        `body ≤ ${formatInt(c.maxBodyBytes.bytes)} B (${c.maxBodyBytes.knob}) on ${describeOn(c.maxBodyBytes.on)} [${c.maxBodyBytes.evidence.how}: ${c.maxBodyBytes.evidence.where}]`,
      );
    if (c.maxRecords)
      parts.push(
        `< ${c.maxRecords.records} records on ${describeOn(c.maxRecords.on)} [${c.maxRecords.evidence.how}: ${c.maxRecords.evidence.where}]`,
      );
    if (c.refusesEmptyExtension13)
      parts.push(`refuses an empty TLS 1.3 CA extension [${c.refusesEmptyExtension13.where}]`);
    if (c.selectsByIssuer) parts.push("selects its certificate by the advertised issuers");
    out.push(`  ${name.padEnd(8)} ${parts.join("; ")}`);
  }
  return `${out.join("\n")}\n`;
}
