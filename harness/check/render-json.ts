import type { CheckReport } from "./check.ts";
import type { WindowsEmulation } from "./windows/check-windows.ts";

/** The Windows block: each setting with its value and source; `basis` says it is emulated from documentation. */
function windowsJson(w: WindowsEmulation): Record<string, unknown> {
  return {
    ...w,
    evidence: { how: "vendor", emulated: true, measured: false },
    settings: w.settings.map((s) => ({
      name: s.name,
      value: s.value,
      source:
        s.from.kind === "default" ? { default: true, document: s.from.document } : { given: s.from.flag },
    })),
  };
}

/**
 * The `--json` document. The keys named in issue 15 (`advertised.count/bytes`,
 * `servers[].server/tls/verdict/marginBytes`, `clients[].client/tls/verdict/marginBytes`,
 * `issuer.advertised/position`) are a contract with other tools; the rest is added detail.
 * `verdict` may also be `not-measured` or `depends-on-version` (marginBytes and limitBytes null):
 * `measuredOn` says which package versions each limit was measured on, `versions` which versions
 * were in use and where each was found.
 */
export function checkJson(r: CheckReport): Record<string, unknown> {
  const ref = r.issuer?.find((i) => i.server === r.reference);
  return {
    source: r.setup.source,
    ...(r.setup.server ? { configuredServer: r.setup.server } : {}),
    ...(r.setup.endpoint ? { endpoint: r.setup.endpoint } : {}),
    caNames: r.setup.caNames,
    scope: r.scope,
    reference: r.reference,
    advertised: {
      count: r.advertised.entries.length,
      bytes: r.advertised.bytes,
      messageBytes: r.advertised.messageBytes,
    },
    servers: r.servers.map((s) => ({
      server: s.server,
      tls: s.tls,
      verdict: s.verdict,
      marginBytes: s.marginBytes,
      count: s.count,
      bytes: s.bytes,
      limitBytes: s.limitBytes,
      sentCount: s.sent.entries.length,
      measuredOn: s.measuredOn,
      ...(s.version ? { version: s.version } : {}),
      reason: s.reason,
      inScope: r.scope.servers.includes(s.server),
    })),
    clients: r.clients.map((c) => ({
      client: c.client,
      tls: c.tls,
      verdict: c.verdict,
      marginBytes: c.marginBytes,
      ...(c.measuredOn ? { measuredOn: c.measuredOn } : {}),
      reason: c.reason,
    })),
    coverage: r.coverage,
    ...(r.windows ? { windows: windowsJson(r.windows) } : {}),
    ...(ref && r.issuer
      ? {
          issuer: {
            advertised: ref.advertised,
            position: ref.position,
            positionExact: ref.positionExact,
            server: ref.server,
            cutBy: r.issuer.filter((i) => i.listed && !i.advertised).map((i) => i.server),
          },
        }
      : {}),
    versions: r.versions,
    breaks: r.breaks,
    unpredicted: r.unpredicted,
  };
}
