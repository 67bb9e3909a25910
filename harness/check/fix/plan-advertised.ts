import type { TlsVersion } from "../../model/tls.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaSetup } from "../ca-setup.ts";
import { type CheckReport, check } from "../check.ts";
import type { KnownVersions } from "../limit-lookup.ts";
import type { ClientStack, ServerStack } from "../limits.ts";

/** Room left below the tightest client's limit by default, bytes: about 40 CA names of ≈ 100 B. */
export const DEFAULT_MARGIN_BYTES = 4_096;

/** `fill`: the issuers, then trusted CAs up to the margin; `issuers`: the issuers alone. */
export type AdvertiseMode = "fill" | "issuers";

export interface PlanParams {
  server: ServerStack;
  tls: readonly TlsVersion[];
  clients: readonly ClientStack[];
  /** The client certificates' issuing CAs (`--issuer`), advertised first. */
  issuers: readonly RootEntry[];
  /** Trusted CAs that may fill the rest, in the order they are tried. */
  candidates: readonly RootEntry[];
  marginBytes: number;
  mode: AdvertiseMode;
  versions?: KnownVersions;
}

/** The advertised list a fix writes, and why it holds what it holds. */
export type AdvertisedPlan =
  | {
      kind: "planned";
      entries: RootEntry[];
      mode: AdvertiseMode;
      /** One line: which mode and why. */
      why: string;
      /** Trusted CAs added after the issuers. */
      filled: number;
      /** The prediction for the planned list (the `check` of the fixed setup). */
      report: CheckReport;
      /** The client and TLS version with the least room left, and that room (bytes); null when no named client has a size limit. */
      tightest: { client: ClientStack; tls: string; marginBytes: number } | null;
    }
  | { kind: "impossible"; why: string; report: CheckReport };

const sameSubject = (a: RootEntry, b: RootEntry) =>
  Buffer.from(a.subjectDer).equals(Buffer.from(b.subjectDer));

function predict(p: PlanParams, entries: readonly RootEntry[]): CheckReport {
  const setup: CaSetup = {
    source: "fix",
    server: p.server,
    advertise: entries,
    verifyOnly: [],
    caNames: "sent",
    tls: p.tls,
    from: [],
    notes: [],
  };
  return check(setup, {
    servers: [p.server],
    tls: p.tls,
    clients: p.clients,
    ...(p.issuers[0] ? { issuerSubject: p.issuers[0].subjectDer } : {}),
    ...(p.versions ? { versions: p.versions } : {}),
  });
}

/** Every named client accepts with at least `margin` bytes to spare, the server sends, every issuer is on the list. */
function fits(r: CheckReport, margin: number): boolean {
  return (
    r.servers.every((s) => s.verdict === "sends") &&
    r.clients.every((c) => c.verdict === "accepts" && (c.marginBytes === null || c.marginBytes >= margin)) &&
    (r.issuer ?? []).every((i) => i.advertised)
  );
}

function tightest(r: CheckReport): { client: ClientStack; tls: string; marginBytes: number } | null {
  const sized = r.clients.filter((c) => c.marginBytes !== null);
  if (sized.length === 0) return null;
  const t = sized.reduce((a, b) => (b.marginBytes! < a.marginBytes! ? b : a));
  return { client: t.client, tls: t.tls, marginBytes: t.marginBytes! };
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * Which CAs the fixed server advertises: the issuers first (so a client that selects by the list
 * finds its issuer at the top, and a server that keeps file order sends it first), then, in
 * `fill` mode, as many trusted CAs as keep every named client `marginBytes` below its limit — the
 * holders of certificates from those CAs keep selecting by the list. The largest such prefix is
 * found by bisection over `check`'s own prediction (sizes grow with every name added). `issuers`
 * mode, or a client whose limit was not measured on the version in use, advertises the issuers
 * alone: a short list is under every limit, whatever it is.
 */
export function planAdvertised(p: PlanParams): AdvertisedPlan {
  const issuers = p.issuers.filter((e, i) => p.issuers.findIndex((x) => sameSubject(x, e)) === i);
  const rest = p.candidates.filter((c) => !issuers.some((i) => sameSubject(i, c)));
  const base = predict(p, issuers);
  const unmeasured = base.clients.filter((c) => c.verdict === "not-measured");
  if (!fits(base, 0) && unmeasured.length === 0) {
    const bad =
      base.clients.find((c) => c.verdict !== "accepts") ?? base.servers.find((s) => s.verdict !== "sends");
    return {
      kind: "impossible",
      why: `even the ${issuers.length} issuer(s) alone break: ${bad ? `${"client" in bad ? bad.client : bad.server} TLS ${bad.tls} ${bad.verdict}${bad.reason ? ` (${bad.reason})` : ""}` : "the issuer is not advertised"}`,
      report: base,
    };
  }
  if (p.mode === "issuers" || unmeasured.length > 0) {
    const why =
      p.mode === "issuers"
        ? "the issuers only (--advertise issuers): the shortest list, under every client's limit, and the trust store stays private"
        : `the issuers only: ${unmeasured.map((c) => `${c.client} ${c.reason ?? "not measured"}`).join("; ")} — with no measured limit, a list of just the issuers is the one that cannot exceed it`;
    return {
      kind: "planned",
      entries: issuers,
      mode: "issuers",
      why,
      filled: 0,
      report: base,
      tightest: tightest(base),
    };
  }
  // Invariant: lo CAs fit (0 is taken as fitting: the issuers alone were checked above), hi do not.
  let lo = 0;
  let hi = rest.length;
  if (fits(predict(p, [...issuers, ...rest]), p.marginBytes)) lo = hi;
  else
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fits(predict(p, [...issuers, ...rest.slice(0, mid)]), p.marginBytes)) lo = mid;
      else hi = mid;
    }
  // lo names fit with the margin (0 always does, or the margin alone is too much: then issuers only).
  const entries = [...issuers, ...rest.slice(0, lo)];
  const report = predict(p, entries);
  const t = tightest(report);
  const why =
    lo === rest.length
      ? `the issuers, then all ${fmt(rest.length)} other trusted CAs: the whole list keeps every named client ${fmt(p.marginBytes)} B or more below its limit`
      : `the issuers, then the first ${fmt(lo)} of ${fmt(rest.length)} other trusted CAs: as many as keep ${t ? `the tightest client (${t.client}, TLS ${t.tls})` : "every named client"} at least ${fmt(p.marginBytes)} B below its limit (--margin), room for the store to grow; the other CAs are still trusted, their holders just find no hint in the list`;
  return { kind: "planned", entries, mode: "fill", why, filled: lo, report, tightest: t };
}
