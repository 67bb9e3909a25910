import type { OutcomeClass } from "../outcome.ts";
import type { ClientName } from "../run/case-result.ts";
import type { ClientAuthMode, TlsVersion } from "../servers/tls-server.ts";

export const DRIVER_NAMES = [
  "nginx",
  "apache",
  "haproxy",
  "openssl",
  "gnutls",
  "stunnel",
  "node",
  "endpoint",
] as const;
export type ScenarioDriver = (typeof DRIVER_NAMES)[number];
export const CLIENT_NAMES: readonly ClientName[] = ["node", "forge", "openssl", "gnutls"];
export type RuntimeChoice = "container" | "process" | "auto";
/**
 * "all" | "none" | "truncate-bytes:N" | "schannel" | "schannel-2003"; "as-configured" is the
 * policy of endpoints and of user config templates given no policy (what the config advertises).
 */
export type PolicyText =
  | "all"
  | "none"
  | "schannel"
  | "schannel-2003"
  | `truncate-bytes:${number}`
  | "as-configured";

export interface ServerSpec {
  driver: ScenarioDriver;
  /** TLS versions to test; default both. */
  tls?: TlsVersion[];
  /** One policy or several (each is a separate set of cases); default "all". */
  policy?: PolicyText | PolicyText[];
  clientAuth?: ClientAuthMode;
  /** Accept the node-forge legacy client (TLS 1.0, RSA key exchange, @SECLEVEL=0). Implied by the forge client. */
  legacyCompat?: boolean;
  /** driver "endpoint" only: "host:port" of a server that is already running (not started, not grown). */
  address?: string;
  /** Server name (SNI) the probe and every client send; endpoints only. */
  sni?: string;
  /**
   * nginx, apache, haproxy, stunnel: the user's own config as a template with `${ROOTLOAD_*}`
   * placeholders (see docs/templates.md); relative to the scenario file.
   */
  config?: string;
  /** A locally present image to run this server in instead of rootload's (container runtime; never pulled). */
  image?: string;
}

/** The user's client identity: their certificate, key and issuing CA (PEM), or a PKCS#12 file. */
export type IdentitySpec =
  | {
      /** Client certificate (PEM). */
      cert: string;
      /** Its private key (PEM, unencrypted). Read, never copied into outputs. */
      key: string;
      /** The CA that issued `cert` (PEM): placed into growing lists at `roots.clientIssuer`. */
      issuer: string;
      /** Intermediate CAs between `cert` and `issuer` (PEM bundle), sent with the certificate. */
      chain?: string;
    }
  | {
      /** PKCS#12 file with the client certificate and key (and possibly its chain). */
      pkcs12: string;
      /** Environment variable holding the PKCS#12 password (never the password itself). */
      passwordEnv?: string;
      issuer: string;
      chain?: string;
    };

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
  client?: ClientName;
  policy?: PolicyText;
  /** Configured CA-list size bounds, bytes (inclusive). */
  minBytes?: number;
  maxBytes?: number;
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
  /** "all": every configured name on the wire; "none": an empty list; "intended": what the policy says. */
  advertises?: "all" | "none" | "intended";
  clientIssuerAdvertised?: boolean;
}

export interface Scenario {
  name: string;
  description?: string;
  runtime?: RuntimeChoice;
  servers: ServerSpec[];
  /** Required unless every server is an endpoint. */
  roots?: RootsSpec;
  /** The user's own client certificate and CA instead of rootload's test client. */
  identity?: IdentitySpec;
  clients?: ClientName[];
  bench?: BenchSpec;
  expect?: Expectation[];
}

/** Identity function that type-checks a scenario file. The runtime validator runs on load. */
export function defineScenario<const S extends Scenario>(scenario: S): S {
  return scenario;
}
