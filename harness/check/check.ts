import type { TlsVersion } from "../model/tls.ts";
import { type AdvertisedList, advertisedBy } from "./advertised.ts";
import type { CaSetup } from "./ca-setup.ts";
import { type ClientCoverage, clientCoverage } from "./common-stacks.ts";
import type { KnownVersions } from "./limit-lookup.ts";
import { CLIENT_PROFILES, type ClientStack, SERVER_PROFILES, type ServerStack } from "./limits.ts";
import {
  type ClientVerdict,
  clientVerdict,
  requestSizeFor,
  type ServerVerdict,
  serverVerdict,
} from "./verdict.ts";
import type { WindowsEmulation } from "./windows/check-windows.ts";

/**
 * The servers whose verdicts set the exit status: those named with `--server`, the server of the
 * config being checked, or — with neither — the reference server alone (the others are shown, not
 * counted: a bundle does not say which server the user runs).
 */
export interface CheckScope {
  from: "--server" | "config" | "none";
  servers: readonly ServerStack[];
}

/** What to check a setup against. */
export interface CheckParams {
  servers: readonly ServerStack[];
  /** Default: every server in `servers`, as if named. */
  scope?: Omit<CheckScope, "servers"> & { servers?: readonly ServerStack[] };
  tls: readonly TlsVersion[];
  clients: readonly ClientStack[];
  /** DER subject of the client certificate's issuing CA (`--issuer`). */
  issuerSubject?: Uint8Array;
  /** -Djdk.tls.maxHandshakeMessageSize the Java clients run with (bytes). */
  javaMaxHandshake?: number;
  /**
   * Package versions in use, by package name (`java`, `openssl` ...): each limit comes from the
   * entry measured on that version, or is `not-measured`. Unknown packages: every entry is applied.
   */
  versions?: KnownVersions;
}

/** Where the client's issuer stands with one server. */
export interface IssuerStanding {
  server: ServerStack;
  /** In the list the server builds (before any truncation). */
  listed: boolean;
  /** In what the server actually sends. */
  advertised: boolean;
  /** 1-based position in the server's list (wire order), or null when not in it. */
  position: number | null;
  /** False when the server's order is modelled only approximately (see ServerProfile.orderExact). */
  positionExact: boolean;
}

/** The prediction: a pure function of the setup and the limits table. */
export interface CheckReport {
  setup: CaSetup;
  /** The server whose list and CertificateRequest the clients are judged against. */
  reference: ServerStack;
  advertised: AdvertisedList & { messageBytes: Partial<Record<TlsVersion, number>> };
  servers: ServerVerdict[];
  clients: ClientVerdict[];
  /** Which clients were judged, which the table knows but were not named, which common stacks it has no limit for. */
  coverage: ClientCoverage;
  issuer?: IssuerStanding[];
  /** The versions the limits were looked up for. */
  versions: KnownVersions;
  scope: CheckScope;
  /** True when anything in the scope, or any client against the reference, is predicted to break. */
  breaks: boolean;
  /** `--windows`: the Windows Server as configured the schannel verdicts were emulated for (documentation, not measured). */
  windows?: WindowsEmulation;
  /** True when some verdict could not be predicted: not measured on the version in use, or it depends on one. */
  unpredicted: boolean;
}

const sameDer = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function standing(server: ServerStack, built: AdvertisedList, sent: AdvertisedList, subject: Uint8Array) {
  const i = built.entries.findIndex((e) => sameDer(e.subjectDer, subject));
  return {
    server,
    listed: i >= 0,
    advertised: sent.entries.some((e) => sameDer(e.subjectDer, subject)),
    position: i >= 0 ? i + 1 : null,
    positionExact: SERVER_PROFILES[server].orderExact,
  };
}

/** Predict what every named server and client does with what `setup` advertises. */
export function check(setup: CaSetup, p: CheckParams): CheckReport {
  const tls = setup.tls ? p.tls.filter((t) => setup.tls!.includes(t)) : p.tls;
  const servers: ServerVerdict[] = [];
  const built = new Map<ServerStack, AdvertisedList>();
  const variants = new Map<string, AdvertisedList>();
  for (const server of p.servers) {
    // Servers differ only in whether they drop repeated names, sort, or send none: build each variant once.
    const { dedupesNames, sortsNames, advertises } = SERVER_PROFILES[server];
    const key = `${dedupesNames}/${sortsNames}/${advertises ?? "store"}`;
    const list = variants.get(key) ?? advertisedBy(SERVER_PROFILES[server], setup);
    variants.set(key, list);
    built.set(server, list);
    for (const t of tls) servers.push(serverVerdict(server, t, list, setup.caNames, p.versions));
  }
  // Clients meet the configured server; with none named, the first that is not a Schannel model.
  const reference = p.servers.find((s) => !s.startsWith("schannel")) ?? p.servers[0] ?? "openssl";
  const refList = built.get(reference) ?? advertisedBy(SERVER_PROFILES[reference], setup);
  const issuer = p.issuerSubject
    ? p.servers.map((s) => {
        // Sizes do not move names; only a truncating server cuts some off.
        const cut = servers.find((v) => v.server === s && v.verdict === "truncates");
        const sent = cut ? cut.sent : built.get(s)!;
        return standing(s, built.get(s)!, sent, p.issuerSubject!);
      })
    : undefined;
  const refIssuer = issuer?.find((i) => i.server === reference);
  const clients: ClientVerdict[] = [];
  for (const client of p.clients) {
    let profile = CLIENT_PROFILES[client];
    if (client === "java" && p.javaMaxHandshake !== undefined && profile.maxBodyBytes)
      profile = {
        ...profile,
        maxBodyBytes: {
          ...profile.maxBodyBytes,
          bytes: p.javaMaxHandshake,
          knob: `-Djdk.tls.maxHandshakeMessageSize=${p.javaMaxHandshake}`,
        },
      };
    // A client without TLS 1.3 (forge, Debian's mbed TLS 2.28) negotiates the versions it has.
    const versions = profile.tls.includes("1.0")
      ? (["1.0"] as const)
      : tls.filter((t) => profile.tls.includes(t));
    for (const t of versions) {
      // What the client is sent: a truncating server's prefix, otherwise the whole list (when the
      // server aborts, that is the size the client would have to take once the server is fixed).
      const v = servers.find((x) => x.server === reference && x.tls === t);
      const sent = v?.verdict === "truncates" ? v.sent : refList;
      clients.push(
        clientVerdict(
          client,
          profile,
          t,
          { server: reference, sent, caNames: setup.caNames },
          refIssuer,
          p.versions,
        ),
      );
    }
  }
  const messageBytes: Partial<Record<TlsVersion, number>> = {};
  for (const t of tls)
    messageBytes[t] = requestSizeFor(SERVER_PROFILES[reference], t, refList.bytes).messageBytes;
  const scope: CheckScope = {
    from: p.scope?.from ?? "--server",
    servers: p.scope?.servers ?? (p.scope?.from === "none" ? [reference] : p.servers),
  };
  const counted = (s: ServerStack) => scope.servers.includes(s);
  const unknown = new Set(["not-measured", "depends-on-version"]);
  const unpredicted =
    servers.some((s) => counted(s.server) && unknown.has(s.verdict)) ||
    clients.some((c) => unknown.has(c.verdict));
  const breaks =
    servers.some((s) => counted(s.server) && s.verdict !== "sends" && !unknown.has(s.verdict)) ||
    clients.some((c) => c.verdict !== "accepts" && !unknown.has(c.verdict)) ||
    // A server that never sends names (MariaDB) cuts no issuer off: selecting clients offer any certificate.
    (issuer ?? []).some(
      (i) =>
        counted(i.server) &&
        !i.advertised &&
        setup.caNames === "sent" &&
        SERVER_PROFILES[i.server].advertises !== "never",
    );
  return {
    setup,
    reference,
    advertised: { ...refList, messageBytes },
    servers,
    clients,
    coverage: clientCoverage(p.clients),
    ...(issuer ? { issuer } : {}),
    versions: p.versions ?? {},
    scope,
    breaks,
    unpredicted,
  };
}
