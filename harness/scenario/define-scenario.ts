import type { ApplicationProtocol } from "../model/application.ts";
import type { ClientEntry } from "../model/client-spec.ts";
import type { IdentitySpec } from "../model/identity.ts";
import type { ClientSelection, DriverName, RuntimeChoice, ScenarioDriver } from "../model/names.ts";
import type { OutcomeClass, OutcomeSide } from "../model/outcome.ts";
import type { PolicyText } from "../model/policy.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { ClientAuthMode, TlsVersion } from "../model/tls.ts";

export type { ClientEntry, ClientOptions } from "../model/client-spec.ts";
export type { IdentitySpec } from "../model/identity.ts";

/** What every server of a scenario may say, started by rootload or already running. */
interface ServerSpecBase {
  /** TLS versions to test; default both. */
  tls?: TlsVersion[];
  /**
   * Only these root steps, by label (a snapshot date, "n=600", "65,536 B"); default every step.
   * For servers that restart on every step, to bound a long sweep's wall time. It limits the fixed
   * steps only: a `roots.bisect` search runs on every server whose list is grown.
   */
  steps?: string[];
}

/** A server rootload starts and loads with each step's roots: one of its drivers. */
export interface DriverServerSpec extends ServerSpecBase {
  driver: DriverName;
  /** One policy or several (each is a separate set of cases); default "all". */
  policy?: PolicyText | PolicyText[];
  clientAuth?: ClientAuthMode;
  /** Accept the node-forge legacy client (TLS 1.0, RSA key exchange, @SECLEVEL=0). Implied by the forge client. */
  legacyCompat?: boolean;
  /**
   * nginx, haproxy, apache, stunnel: the user's own config as a template with `${ROOTLOAD_*}`
   * placeholders (see docs/templates.md); relative to the scenario file. HAProxy, which has no
   * include directive, takes several files too (`haproxy -f a -f b`, in this order).
   */
  config?: string | string[];
  /**
   * With `config`: allow the template's directives that run programs (HAProxy `program`, Apache
   * piped logs, stunnel `exec`, nginx `perl`); refused otherwise (docs/templates.md).
   */
  allowCommands?: boolean;
  /**
   * nginx, haproxy, apache, stunnel: run this locally present image (never pulled) instead of
   * rootload's, with the rendered config mounted where the driver expects it. Container runtime.
   */
  image?: string;
}

/** A server that is already running (not started, not grown): tested as its operator configured it. */
export interface EndpointServerSpec extends ServerSpecBase {
  driver: "endpoint";
  /** "host:port". */
  address: string;
  /** Server name (SNI) the probe and every client send. */
  sni?: string;
  /**
   * The plaintext prelude before TLS (`smtp` for a mail server's port 25/587, `imap`, `ldap`,
   * `postgres`). A driver that needs one (postgres) sets it itself.
   */
  starttls?: StartTlsProtocol;
  /**
   * What it speaks after the handshake, so that clients meet it (model/application.ts): `http`
   * (default without `starttls`), `postgres`, `mysql`, `smtp`, `imap`, `ldap` (default: the
   * `starttls` protocol), or `none` for a raw TLS service (a broker, a key-value store), to which
   * clients send nothing and curl cannot be run.
   */
  application?: ApplicationProtocol;
}

/** One server of a scenario: `driver` tells which kind, and so which fields apply. */
export type ServerSpec = DriverServerSpec | EndpointServerSpec;

/**
 * Where the scenario's roots come from. A `path` (and each of `paths`) is a file or folder relative
 * to the scenario file, or a snapshot name shipped with rootload or fetched by `rootload roots
 * fetch`: `microsoft:2025-06-16`, `mozilla:latest`, `curl:…`, `apple:…` (`rootload roots list`;
 * docs/data.md). A name's `kind` is its program's: ctl, certdata, pem, pem.
 */
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
  | {
      kind: "snapshots";
      paths: string[];
      certs?: string;
      purpose?: "serverAuth" | "clientAuth" | "any";
      /** CTL snapshots: keep disabled entries too (the whole list, as the root package installs it). */
      includeDisabled?: boolean;
    };

export interface RootsSpec {
  source: RootSourceSpec;
  /** Steps by entry count (prefixes of the chosen order). */
  sizes?: number[];
  /** Steps by exact CA-list size in bytes, as configured (every root's name counted). */
  bytes?: number[];
  /**
   * Steps by exact CA-list size on the wire, as an OpenSSL-based server (nginx, Apache, HAProxy,
   * stunnel, s_server) sends it: a name shared by several roots goes out once, so the configured
   * list is larger than the target when the store has re-keyed roots. Cases record both figures
   * (`configured.caListBytes`, `configured.wireBytes`). Labels read `65536 B wire`.
   */
  wireBytes?: number[];
  /** "ctl" (source order), "subject" (sorted by subject DER) or "shuffle:SEED". */
  order?: string;
  /** Where the client's issuing CA sits in the list; default "last". */
  clientIssuer?: "first" | "last" | number;
  /** Pad with synthetic roots past the real size (needed for sizes/bytes beyond the source). */
  topUpSynthetic?: boolean;
  /**
   * Step mode that finds a limit instead of sampling sizes: between `from` and `to` the runner
   * probes the midpoint, reloading the server each time, until the boundary is one name (or one
   * byte) wide — 2 + ⌈log2(to − from)⌉ reloads per server × policy × TLS version. Runs after the
   * `sizes`/`bytes`/snapshot steps; one entry or several (each its own series).
   */
  bisect?: BisectSpec | BisectSpec[];
}

/** Which outcome puts a size past the boundary: "non-ok" (the default), or an outcome pattern. */
export type BisectUntil =
  | "non-ok"
  | {
      outcome?: OutcomeClass | OutcomeClass[];
      side?: OutcomeSide;
      alert?: string;
    };

/** One bisected series (see RootsSpec.bisect). */
export interface BisectSpec {
  /** "names": entry counts, prefixes of `order` as in `sizes` (default); "bytes": exact CA-list bytes as in `bytes`. */
  by?: "names" | "bytes";
  /** A size on the good side of the boundary (the client issuer included, as in `sizes`). */
  from: number;
  /** A size past it; greater than `from`. */
  to: number;
  /** What "past the boundary" means; default "non-ok" (the first size whose handshake fails). */
  until?: BisectUntil;
  /**
   * The client label(s) that run and decide at each probed size; default every client of the
   * scenario (a size is past the boundary when any of them is).
   */
  client?: string | string[];
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
  /** Policies, or "as-configured": endpoints and templates without a policy. */
  policy?: PolicyText | "as-configured" | (PolicyText | "as-configured")[];
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
  /**
   * Server instances run at once (each entry of `servers` is one instance across its policies,
   * steps and TLS versions). Default: twice the machine's cores. `rootload run --jobs` overrides it.
   */
  jobs?: number;
  servers: ServerSpec[];
  /** Required unless every server is an endpoint. */
  roots?: RootsSpec;
  /** The user's own client certificate and CA instead of rootload's test client. */
  identity?: IdentitySpec;
  clients?: ClientEntry[];
  /**
   * Sample each good case's handshake latency (default true). `false`: functional cases only —
   * outcomes, advertised lists and sizes, no latency windows; the run's reports say latency was
   * not measured. `rootload run --no-latency` does the same for any scenario.
   */
  latency?: boolean;
  bench?: BenchSpec;
  expect?: Expectation[];
}

/** Identity function that type-checks a scenario file. The runtime validator runs on load. */
export function defineScenario<const S extends Scenario>(scenario: S): S {
  return scenario;
}
