import type { ClientName } from "./names.ts";
import type { Outcome } from "./outcome.ts";
import type { TlsVersion } from "./tls.ts";

/** Handshake latency summary from tinybench, in milliseconds. */
export interface Latency {
  samples: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  hz: number;
}

/** One case: one server × root-list step × TLS version × client × policy. One JSON line in cases.jsonl. */
export interface CaseResult {
  id: string;
  server: string;
  tls: TlsVersion;
  client: ClientName;
  policy: string;
  step: { index: number; label: string };
  /** The store loaded into the server; `names` counts distinct subject names (re-keyed roots share one). */
  configured: { count: number; caListBytes: number; names?: number };
  /** What the policy should advertise if the server implements it faithfully. */
  intended: { count: number; bytes: number };
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
  } | null;
  /** Bytes left before CA_LIST_LIMIT_BYTES, the 65,535-byte TLS limit (negative: over it). */
  limitHeadroomBytes: number;
  clientIssuer: { position: number | null };
  clientIssuerAdvertised: boolean | null;
  /** The probe's outcome (the server's reaction to a bare ClientHello up to its CertificateRequest). */
  probeOutcome: Outcome;
  /** The client's handshake outcome, with client certificate. */
  outcome: Outcome;
  latency?: Latency;
  expectations?: { expect: string; pass: boolean; message: string }[];
  startedAt: string;
  durationMs: number;
  serverLogTail?: string;
}
