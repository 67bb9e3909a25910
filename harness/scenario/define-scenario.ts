import type { OutcomeClass, OutcomeSide } from "../outcome.ts";
import type { ClientName, ClientSelection } from "../run/case-result.ts";
import type { ClientAuthMode, TlsVersion } from "../servers/tls-server.ts";

export const DRIVER_NAMES = ["nginx", "apache", "haproxy", "openssl", "gnutls", "stunnel", "node"] as const;
export type ScenarioDriver = (typeof DRIVER_NAMES)[number];
export const CLIENT_NAMES: readonly ClientName[] = [
  "node",
  "forge",
  "openssl",
  "gnutls",
  "java",
  "go",
  "python",
  "curl",
];

/** A client with options; a bare name is the client with its real defaults. */
export interface ClientOptions {
  name: ClientName;
  /**
   * `by-issuer-list` makes node, openssl or gnutls emulate a KB 2801679 client: the certificate
   * is withheld when its issuer is not in the list the probe saw. java, go and forge always
   * select that way; python and curl never do.
   */
  select?: ClientSelection;
  /** JSSE system properties for java, e.g. `{ "jdk.tls.maxHandshakeMessageSize": "65536" }`. */
  properties?: Record<string, string>;
  /** Name in case ids, the plan, reports and compare; default: name plus options. */
  label?: string;
}

export type ClientEntry = ClientName | ClientOptions;
export type RuntimeChoice = "container" | "process" | "auto";
/** "all" | "none" | "truncate-bytes:N" | "schannel" | "schannel-2003" */
export type PolicyText = "all" | "none" | "schannel" | "schannel-2003" | `truncate-bytes:${number}`;

export interface ServerSpec {
  driver: ScenarioDriver;
  /** TLS versions to test; default both. */
  tls?: TlsVersion[];
  /** One policy or several (each is a separate set of cases); default "all". */
  policy?: PolicyText | PolicyText[];
  clientAuth?: ClientAuthMode;
  /** Accept the node-forge legacy client (TLS 1.0, RSA key exchange, @SECLEVEL=0). Implied by the forge client. */
  legacyCompat?: boolean;
}

export type RootSourceSpec =
  | {
      kind: "ctl";
      path: string;
      certs?: string;
      purpose?: "serverAuth" | "clientAuth" | "any";
      asOf?: string;
      includeDisabled?: boolean;
    }
  | { kind: "pem"; path: string }
  | { kind: "directory"; path: string }
  | { kind: "certdata"; path: string }
  | { kind: "builtin" }
  | { kind: "system" }
  | { kind: "synthetic"; seed?: number; count?: number }
  /** Several snapshots (CTL, PEM or certdata files), one step each, in the order given. */
  | { kind: "snapshots"; paths: string[]; certs?: string; purpose?: "serverAuth" | "clientAuth" | "any" };

export interface RootsSpec {
  source: RootSourceSpec;
  /** Steps by entry count (prefixes of the chosen order). */
  sizes?: number[];
  /** Steps by exact CA-list size in bytes. */
  bytes?: number[];
  /** "ctl" (source order), "subject" (sorted by subject DER) or "shuffle:SEED". */
  order?: string;
  /** Where the client's issuing CA sits in the list; default "last". */
  clientIssuer?: "first" | "last" | number;
  /** Pad with synthetic roots past the real size (needed for sizes/bytes beyond the source). */
  topUpSynthetic?: boolean;
}

export interface BenchSpec {
  /** Time budget per case for latency sampling, ms (default 300). */
  time?: number;
  /** Minimum handshakes per case (default 10). */
  iterations?: number;
  /** Handshakes in flight at once (default 1). */
  concurrency?: number;
}

/** Selects cases; every field that is set must match. */
export interface CaseSelector {
  server?: ScenarioDriver | ScenarioDriver[];
  tls?: TlsVersion;
  /** Client label(s), exactly: `java` is the client with defaults, not `java+maxHandshakeMessageSize=65536`. */
  client?: string | string[];
  /** How the client chooses its certificate. */
  selection?: ClientSelection;
  policy?: PolicyText;
  /** Configured CA-list size bounds, bytes (inclusive). */
  minBytes?: number;
  maxBytes?: number;
  /** Bounds on the certificate_authorities list the probe read on the wire, bytes (inclusive). */
  minAdvertisedBytes?: number;
  maxAdvertisedBytes?: number;
  /** Bounds on the CertificateRequest as read on the wire, bytes incl. its 4-byte header (inclusive). */
  minMessageBytes?: number;
  maxMessageBytes?: number;
  /** Step label(s), e.g. a snapshot date or "n=500". */
  step?: string | string[];
}

/** An assertion applied to each case its selector matches. */
export interface Expectation {
  name?: string;
  when?: CaseSelector;
  /** The client's outcome class must be one of these. */
  outcome?: OutcomeClass | OutcomeClass[];
  /** For server-alert outcomes: the alert name. */
  alert?: string;
  /** Who failed (non-ok outcomes). */
  side?: OutcomeSide;
  /** What the client reported choosing (java, go): a certificate or none. */
  certificateSent?: boolean;
  /** "all": every configured name on the wire; "none": an empty list; "intended": what the policy says. */
  advertises?: "all" | "none" | "intended";
  clientIssuerAdvertised?: boolean;
}

export interface Scenario {
  name: string;
  description?: string;
  runtime?: RuntimeChoice;
  servers: ServerSpec[];
  roots: RootsSpec;
  clients?: ClientEntry[];
  bench?: BenchSpec;
  expect?: Expectation[];
}

/** Identity function that type-checks a scenario file. The runtime validator runs on load. */
export function defineScenario<const S extends Scenario>(scenario: S): S {
  return scenario;
}
