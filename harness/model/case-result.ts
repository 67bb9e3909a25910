import type { ClientName, ClientSelection } from "./names.ts";
import type { Outcome } from "./outcome.ts";
import type { TlsVersion } from "./tls.ts";

/** Handshake latency summary, in milliseconds: the clients' own handshake times, scheduled by tinybench. */
export interface Latency {
  /** Handshakes timed (a sample that could not tell its connect from its process start is left out while others were timed). */
  samples: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  hz: number;
  /**
   * What the figures count: `handshake`, the client's own time from connect to handshake done;
   * `process`, also the start of a client process (a command-line client whose output could not
   * tell when it connected), which is not comparable with a handshake. Absent in records made
   * before it existed, when they were wall times around the client's call.
   */
  clock?: "handshake" | "process";
}

/** One case: one server × root-list step × TLS version × client × policy. One JSON line in cases.jsonl. */
export interface CaseResult {
  id: string;
  /** Position in the whole plan: reports, resumed and merged runs order cases by it. Absent in runs made before it existed. */
  planIndex?: number;
  server: string;
  tls: TlsVersion;
  /** The client's label: its name, plus its options when it has any (`java+maxHandshakeMessageSize=65536`). */
  client: string;
  /** The client stack (absent in records older than client labels: then `client` is the name). */
  clientName?: ClientName;
  /** How this client chose its certificate. */
  selection?: ClientSelection;
  policy: string;
  step: { index: number; label: string };
  /**
   * The store loaded into the server; `names` counts distinct subject names (re-keyed roots share
   * one). Absent for an endpoint: rootload does not know what a running server was given.
   */
  configured?: {
    count: number;
    caListBytes: number;
    names?: number;
    /** The list with each distinct name once (bytes): what an OpenSSL-based server sends. */
    wireBytes?: number;
  };
  /**
   * What the policy should advertise if the server implements it faithfully. Absent when the
   * server is tested as configured (an endpoint, a user's template without a policy).
   */
  intended?: { count: number; bytes: number };
  /** What the probe saw on the wire; null when no CertificateRequest was read. */
  advertised: {
    count: number;
    /** Length of the certificate_authorities list as on the wire (bytes). */
    bytes: number;
    /** Configured-to-advertise names that were not on the wire. */
    missing: number;
    /** Names on the wire that were not configured. */
    extra: number;
    duplicates: number;
    /** Wire order equals the configured order. */
    inOrder: boolean;
    messageBytes: number;
    /**
     * SHA-256 (hex) of the names as on the wire (each DER name with its 2-byte length, in wire
     * order): equal fingerprints, equal lists. What `compare` checks when counts stay the same.
     */
    fingerprint?: string;
    /** The names as RFC 4514 text, in wire order; kept for servers tested as configured. */
    names?: string[];
  } | null;
  /** Bytes left before CA_LIST_LIMIT_BYTES, the 65,535-byte TLS limit (negative: over it); absent for an endpoint. */
  limitHeadroomBytes?: number;
  /** Where the growth series put the client issuer; absent for an endpoint (no series). */
  clientIssuer?: { position: number | null };
  clientIssuerAdvertised: boolean | null;
  /** The probe's outcome (the server's reaction to a bare ClientHello up to its CertificateRequest). */
  probeOutcome: Outcome;
  /** The client's handshake outcome, with client certificate; non-ok outcomes carry `side`. */
  outcome: Outcome;
  /**
   * What the client itself reported choosing: `sent` a certificate or `none`, with how many CA
   * names it was handed (java: the default key manager's alias; go: GetClientCertificate).
   */
  clientCertificate?: { sent: boolean; issuersSeen: number | null };
  latency?: Latency;
  expectations?: { expect: string; pass: boolean; message: string }[];
  /** Checks the harness could not make for this case, and why (e.g. the served list after a reload). */
  skippedChecks?: string[];
  /** Set on a case of a bisected series (scenario `roots.bisect`): where it sat in the search. */
  bisect?: BisectFacts;
  startedAt: string;
  durationMs: number;
  serverLogTail?: string;
}

/** A bisected case's place in its search; reports rebuild the boundary from these alone. */
export interface BisectFacts {
  /** The series: `server|policy|tls|tag`, shared by every case of one search. */
  series: string;
  /** "names" (entry counts) or "bytes" (exact CA-list bytes). */
  by: "names" | "bytes";
  /** The size probed, in `by` units. */
  size: number;
  from: number;
  to: number;
  /** What counts as past the boundary, as text ("non-ok", "outcome excessive-size, side client"). */
  until: string;
  /** This case's client decides (`roots.bisect.client`, default every client). */
  judged: boolean;
  /** This case's outcome matched `until`. */
  past: boolean;
}
