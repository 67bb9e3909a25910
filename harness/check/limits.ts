import { formatInt } from "../format-int.ts";
import { CA_LIST_LIMIT_BYTES, SCHANNEL_2003_BYTES, SCHANNEL_BYTES } from "../model/limits.ts";
import {
  GNUTLS_REQUEST,
  GO_REQUEST,
  maxListBytes13,
  OPENSSL_REQUEST,
  type RequestShape12,
  type RequestShape13,
} from "../probe/certificate-request-size.ts";

/**
 * The one table of limits `rootload check` predicts from. Every number is either measured on
 * this project's Debian 12 packages (and re-measured by test/integration/check/limits.test.ts,
 * which fails when a package changes behaviour) or read in source / vendor documentation, and
 * says which. Nothing else in the check holds a limit.
 */

/** Where a figure comes from. */
export interface Evidence {
  how: "measured" | "source" | "vendor";
  /** The test, capture or document that shows it. */
  where: string;
}

/** Server stacks the check knows. */
export const SERVER_STACKS = [
  "nginx",
  "apache",
  "haproxy",
  "stunnel",
  "openssl",
  "lighttpd",
  "postgres",
  "node",
  "gnutls",
  "caddy",
  "java",
  "schannel",
  "schannel-2003",
] as const;
export type ServerStack = (typeof SERVER_STACKS)[number];

/** Client stacks the check knows. */
export const CLIENT_STACKS = [
  "java",
  "go",
  "openssl",
  "node",
  "gnutls",
  "curl",
  "python",
  "rustls",
  "forge",
] as const;
export type ClientStack = (typeof CLIENT_STACKS)[number];

export type CheckTls = "1.2" | "1.3";

/** What a server does once its list is past `maxListBytes`. */
export type PastLimit =
  /** Fatal alert, nothing sent (OpenSSL `internal_error`, GnuTLS TLS 1.3 `decode_error`, Go TLS 1.3 close). */
  | { kind: "aborts"; alert: string }
  /** The 16-bit length is written modulo 65,536: a malformed message no client parses. */
  | { kind: "malformed" }
  /** The longest prefix that fits is sent, the rest dropped (Schannel). */
  | { kind: "truncates" }
  /**
   * JSSE TLS 1.3: aborts while the raw DER subjects sum to at most `rawMaxBytes`, past that the
   * extension is left out and no names are sent.
   */
  | { kind: "aborts-then-omits"; alert: string; rawMaxBytes: number };

/** One server stack's list-size limit on one TLS version. */
export interface ServerLimit {
  /** Largest CA list (bytes, sum of 2 + DER subject) sent whole. */
  maxListBytes: number;
  /** Why that is the limit, for the report. */
  rule: string;
  past: PastLimit;
  evidence: Evidence;
}

/** How a server builds its list and its CertificateRequest. */
export interface ServerProfile {
  /** Who implements the TLS stack, shown in reports. */
  library: string;
  /** OpenSSL drops repeated names when loading a CA file; Node, Go, JSSE and Schannel keep them. */
  dedupesNames: boolean;
  /** Apache, HAProxy and stunnel send names sorted, not in file order (DESIGN.md, driver suite). */
  sortsNames: boolean;
  /**
   * False when the wire order is known only approximately: Apache's and stunnel's lists are sorted
   * but not exactly by X509_NAME_cmp (on the 2025 CTL 480 of 501 names sit where the model puts
   * them; HAProxy's match all 501). Positions are then shown as approximate.
   */
  orderExact: boolean;
  /** The CertificateRequest around the list; undefined when not measured (OpenSSL's is used for sizes). */
  shape?: { "1.2": RequestShape12; "1.3": RequestShape13; evidence: Evidence };
  limits: Partial<Record<CheckTls, ServerLimit>>;
}

const CHECK_SUITE = "test/integration/check/limits.test.ts";
const DRIVER_SUITE = `test/integration/servers/driver-suite.ts (OPENSSL_CASES, GNUTLS_CASES); ${CHECK_SUITE}`;

const OPENSSL_SHAPE = {
  ...OPENSSL_REQUEST,
  evidence: {
    how: "measured",
    where: `test/fixtures/probe/tls12-certificate-request-65535.hex, tls13-certificate-request.hex; ${CHECK_SUITE}`,
  },
} as const satisfies ServerProfile["shape"];

const GNUTLS_SHAPE = {
  ...GNUTLS_REQUEST,
  evidence: { how: "measured", where: CHECK_SUITE },
} as const satisfies ServerProfile["shape"];

const GO_SHAPE = {
  ...GO_REQUEST,
  evidence: {
    how: "source",
    where: "go1.19 crypto/tls common.go supportedSignatureAlgorithms, handshake_server.go",
  },
} as const satisfies ServerProfile["shape"];

const u16List = (evidence: Evidence, past: PastLimit): ServerLimit => ({
  maxListBytes: CA_LIST_LIMIT_BYTES,
  rule: "certificate_authorities is a 16-bit vector",
  past,
  evidence,
});

const extensionsBlock = (shape: RequestShape13, evidence: Evidence, past: PastLimit): ServerLimit => ({
  maxListBytes: maxListBytes13(shape),
  rule: "the list shares the CertificateRequest's 16-bit extensions block with signature_algorithms",
  past,
  evidence,
});

const INTERNAL_ERROR = { kind: "aborts", alert: "internal_error" } as const;

const openssl = (
  library: string,
  opts: { dedupesNames: boolean; sortsNames: boolean; orderExact?: boolean },
): ServerProfile => ({
  library,
  orderExact: true,
  ...opts,
  shape: OPENSSL_SHAPE,
  limits: {
    "1.2": u16List({ how: "measured", where: DRIVER_SUITE }, INTERNAL_ERROR),
    "1.3": extensionsBlock(OPENSSL_SHAPE["1.3"], { how: "measured", where: DRIVER_SUITE }, INTERNAL_ERROR),
  },
});

/** OpenSSL-library servers not yet in the driver suite here: the library's measured limits, said so. */
const opensslUnmeasured = (library: string, sortsNames: boolean): ServerProfile => {
  const p = openssl(library, { dedupesNames: true, sortsNames });
  const where = `${DRIVER_SUITE} for OpenSSL 3.0 itself; this server's own driver lands with the servers branch`;
  return {
    ...p,
    limits: {
      "1.2": { ...p.limits["1.2"]!, evidence: { how: "measured", where } },
      "1.3": { ...p.limits["1.3"]!, evidence: { how: "measured", where } },
    },
  };
};

const schannel = (bytes: number, where: string): ServerProfile => ({
  library: "Schannel",
  dedupesNames: false,
  sortsNames: false,
  orderExact: true,
  limits: Object.fromEntries(
    (["1.2", "1.3"] as const).map((tls) => [
      tls,
      {
        maxListBytes: bytes,
        rule: `Schannel stops adding names at ${formatInt(bytes)} bytes`,
        past: { kind: "truncates" },
        evidence: { how: "vendor", where },
      } satisfies ServerLimit,
    ]),
  ),
});

/** Per server stack: list rules, message shape, limits per TLS version. */
export const SERVER_PROFILES: Record<ServerStack, ServerProfile> = {
  nginx: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: false }),
  apache: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: true, orderExact: false }),
  haproxy: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: true }),
  stunnel: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: true, orderExact: false }),
  openssl: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: false }),
  lighttpd: opensslUnmeasured("OpenSSL 3.0 (mod_openssl)", false),
  postgres: opensslUnmeasured("OpenSSL 3.0", false),
  // Node adds each CA with SSL_CTX_add_client_CA: repeated names are sent twice (README, 2025 CTL).
  node: openssl("OpenSSL 3.0 (Node)", { dedupesNames: false, sortsNames: false }),
  gnutls: {
    library: "GnuTLS 3.7.9",
    dedupesNames: false,
    sortsNames: false,
    orderExact: true,
    shape: GNUTLS_SHAPE,
    limits: {
      "1.2": u16List({ how: "measured", where: DRIVER_SUITE }, { kind: "malformed" }),
      "1.3": extensionsBlock(
        GNUTLS_SHAPE["1.3"],
        { how: "measured", where: DRIVER_SUITE },
        {
          kind: "aborts",
          alert: "decode_error",
        },
      ),
    },
  },
  caddy: {
    library: "Go 1.19 crypto/tls (Caddy 2.6.2)",
    dedupesNames: false,
    sortsNames: false,
    orderExact: true,
    shape: GO_SHAPE,
    limits: {
      "1.2": u16List(
        { how: "measured", where: "DESIGN.md (Caddy 2.6.2: 65,521 B sent, 66,767 B wrapped to 1,231)" },
        { kind: "malformed" },
      ),
      "1.3": extensionsBlock(
        GO_SHAPE["1.3"],
        {
          how: "source",
          where: "go1.19 cryptobyte 2-byte extensions prefix; DESIGN.md measured a close at 65,521 B",
        },
        { kind: "aborts", alert: "none (connection closed after EncryptedExtensions)" },
      ),
    },
  },
  java: {
    library: "JSSE (Java 17)",
    dedupesNames: false,
    sortsNames: false,
    orderExact: true,
    limits: {
      "1.2": u16List(
        { how: "measured", where: "DESIGN.md (Java 17: Field length overflow at 66,767 B)" },
        INTERNAL_ERROR,
      ),
      "1.3": {
        // The list shares JSSE's 16-bit extensions block with signature_algorithms(_cert): the
        // java driver suite measured 65,463 B sent and internal_error from 65,464 B.
        maxListBytes: 65_463,
        rule: "certificate_authorities shares the 16-bit extensions block",
        past: { kind: "aborts-then-omits", alert: "internal_error", rawMaxBytes: CA_LIST_LIMIT_BYTES },
        evidence: {
          how: "measured",
          where:
            "java driver suite (Java 17.0.x: 65,463 B sent, internal_error from 65,464 B); DESIGN.md (751 roots omit the extension)",
        },
      },
    },
  },
  schannel: schannel(SCHANNEL_BYTES, "KB 933430, event 36885 (Windows Server 2008 and later: 16 KB)"),
  "schannel-2003": schannel(SCHANNEL_2003_BYTES, "KB 933430 (Windows Server 2003: 0x3000)"),
};

/** One client stack's limits. */
export interface ClientProfile {
  /** TLS versions this client speaks, for the check's rows. */
  tls: readonly ("1.0" | CheckTls)[];
  /** Largest CertificateRequest body (bytes) the client reads, and the knob that sets it. */
  maxBodyBytes?: { bytes: number; knob: string; evidence: Evidence };
  /** node-forge: a CertificateRequest spread over this many 16,384-byte records is refused. */
  maxRecords?: { records: number; evidence: Evidence };
  /** Picks its certificate by the advertised issuers (KB 2801679): a cut issuer means no certificate. */
  selectsByIssuer?: Evidence;
  /** Refuses TLS 1.3's certificate_authorities extension with an empty list (OpenSSL's -CANames). */
  refusesEmptyExtension13?: Evidence;
}

const OPENSSL_CLIENT: ClientProfile = {
  tls: ["1.2", "1.3"],
  maxBodyBytes: {
    bytes: 100 * 1024,
    knob: "max_cert_list (SSL_CTX_set_max_cert_list)",
    evidence: { how: "source", where: "OpenSSL 3.0 statem_clnt.c ossl_statem_client_max_message_size" },
  },
};

/** The Java client's default cap, overridable with -Djdk.tls.maxHandshakeMessageSize. */
export const JAVA_MAX_HANDSHAKE_DEFAULT = 32_768;

/** Per client stack. */
export const CLIENT_PROFILES: Record<ClientStack, ClientProfile> = {
  java: {
    tls: ["1.2", "1.3"],
    maxBodyBytes: {
      bytes: JAVA_MAX_HANDSHAKE_DEFAULT,
      knob: "jdk.tls.maxHandshakeMessageSize",
      evidence: {
        how: "measured",
        where:
          "scenarios/clients.scenario.ts (Java 17 JSSE: body 32,768 B works, 32,769 B fails, TLS 1.2 and 1.3)" +
          `; ${CHECK_SUITE} (seeded sizes around the cap)`,
      },
    },
    selectsByIssuer: {
      how: "measured",
      where: "scenarios/kb2801679.scenario.ts (default key manager chose no alias when the issuer was cut)",
    },
    refusesEmptyExtension13: {
      how: "measured",
      where:
        "scenarios/kb2801679.scenario.ts (policy none, TLS 1.3: Invalid certificate_authorities extension)",
    },
  },
  go: {
    tls: ["1.2", "1.3"],
    maxBodyBytes: {
      bytes: 65_536,
      knob: "maxHandshake (crypto/tls, fixed)",
      evidence: {
        how: "measured",
        where:
          "scenarios/clients.scenario.ts (Go 1.19: body 65,536 B works, 65,537 B fails, TLS 1.2 and 1.3)" +
          `; ${CHECK_SUITE} (seeded sizes around the cap)`,
      },
    },
    selectsByIssuer: {
      how: "measured",
      where: "scenarios/kb2801679.scenario.ts (SupportsCertificate chose none when the issuer was cut)",
    },
    refusesEmptyExtension13: {
      how: "measured",
      where: "scenarios/kb2801679.scenario.ts (policy none, TLS 1.3: local error: tls: unexpected message)",
    },
  },
  rustls: {
    tls: ["1.2", "1.3"],
    maxBodyBytes: {
      bytes: 0xffff,
      knob: "MAX_HANDSHAKE_SIZE (rustls, fixed)",
      evidence: {
        how: "source",
        where: "rustls msgs/handshake.rs MAX_HANDSHAKE_SIZE (DESIGN.md: from source, not measured)",
      },
    },
  },
  openssl: OPENSSL_CLIENT,
  node: OPENSSL_CLIENT,
  curl: OPENSSL_CLIENT,
  python: OPENSSL_CLIENT,
  gnutls: {
    tls: ["1.2", "1.3"],
    refusesEmptyExtension13: { how: "measured", where: `${DRIVER_SUITE} (policy none, gnutls-cli 3.7.9)` },
  },
  forge: {
    tls: ["1.0"],
    maxRecords: {
      records: 3,
      evidence: {
        how: "measured",
        where:
          "scenarios/clients.scenario.ts (node-forge 1.x: a 32,775 B CertificateRequest over 3 records → unexpected_message; DESIGN.md: 55 KB over 4)",
      },
    },
    selectsByIssuer: { how: "measured", where: "harness/clients/forge-client.ts (getCertificate by issuer)" },
  },
};

/** The servers and clients checked when none are named. */
export const DEFAULT_SERVERS: readonly ServerStack[] = SERVER_STACKS;
export const DEFAULT_CLIENTS: readonly ClientStack[] = ["java", "go", "openssl", "node", "gnutls"];
