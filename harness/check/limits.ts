import { formatInt } from "../format-int.ts";
import { CA_LIST_LIMIT_BYTES, SCHANNEL_2003_BYTES, SCHANNEL_BYTES } from "../model/limits.ts";
import type { TlsVersion } from "../model/tls.ts";
import {
  BCJSSE_1_72_REQUEST,
  GNUTLS_REQUEST,
  GO_REQUEST,
  JSSE_17_0_15_REQUEST,
  JSSE_17_0_21_REQUEST,
  maxListBytes13,
  OPENSSL_REQUEST,
  OTP_25_REQUEST,
  type RequestShape12,
  type RequestShape13,
} from "../probe/certificate-request-size.ts";

/**
 * The one table of limits `rootload check` predicts from. A limit is a fact about a version: every
 * figure names the package and the versions it was measured on (or read in source / vendor
 * documentation for, and says which), and a stack whose figure changed between versions has one
 * entry per range (JSSE's TLS 1.3 limit). Measured figures are re-measured by the driver suite and
 * test/integration/check/limits.test.ts against the version each run finds, and those fail when a
 * version has no entry. Nothing else in the check holds a limit.
 */

/** Where a figure comes from. */
export interface Evidence {
  how: "measured" | "source" | "vendor";
  /** The test, capture or document that shows it. */
  where: string;
}

/** The package a figure belongs to and the versions it holds for. */
export interface MeasuredOn {
  /**
   * The library or product whose version decides the figure, as `rootload check --version
   * NAME=VERSION` names it: openssl, gnutls, caddy, java, go, windows-server ...
   */
  package: string;
  /**
   * Inclusive range of upstream versions: the lowest and highest the figure was measured on (or,
   * for source and vendor figures, read for); equal when one version was. Absent: read in source
   * without a pinned version, so no version is "measured".
   */
  from?: string;
  to?: string;
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
  "mariadb",
  "node",
  "gnutls",
  "caddy",
  "java",
  "erlang",
  "bouncycastle",
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
  "mbedtls",
  "wolfssl",
  "erlang",
  "bouncycastle",
] as const;
export type ClientStack = (typeof CLIENT_STACKS)[number];

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

/** One server stack's list-size limit on one TLS version, on one range of versions. */
export interface ServerLimit {
  /** Largest CA list (bytes, sum of 2 + DER subject) sent whole. */
  maxListBytes: number;
  /** Why that is the limit, for the report. */
  rule: string;
  past: PastLimit;
  on: MeasuredOn;
  evidence: Evidence;
}

/** How a server builds its list and its CertificateRequest. */
export interface ServerProfile {
  /** Who implements the TLS stack, shown in reports. */
  library: string;
  /**
   * `never`: the server sends no CA names whatever its CA file holds (MariaDB sets no client CA
   * list), so nothing it is given is advertised and selecting clients offer any certificate.
   */
  advertises?: "never";
  /** OpenSSL drops repeated names when loading a CA file; Node, Go, JSSE and Schannel keep them. */
  dedupesNames: boolean;
  /** Apache, HAProxy and stunnel send names sorted, not in file order (docs/domain.md, driver suite). */
  sortsNames: boolean;
  /**
   * False when the wire order is known only approximately: Apache's and stunnel's lists are sorted
   * but not exactly by X509_NAME_cmp (on the 2025 CTL 480 of 501 names sit where the model puts
   * them; HAProxy's match all 501). Positions are then shown as approximate.
   */
  orderExact: boolean;
  /** The CertificateRequest around the list; undefined when not measured (OpenSSL's is used for sizes). */
  shape?: { "1.2": RequestShape12; "1.3": RequestShape13; evidence: Evidence };
  /**
   * The key under which a run records the version of `MeasuredOn.package` for this server
   * (`manifest.json` servers[].versions): how a test finds the entry for the version it ran.
   */
  versionKey: string;
  /** Per TLS version, one entry per range of versions, ranges not overlapping. */
  limits: Record<TlsVersion, readonly ServerLimit[]>;
}

const CHECK_SUITE = "test/integration/check/limits.test.ts";
const DRIVER_SUITE = `test/integration/servers/driver-suite.ts; ${CHECK_SUITE}`;

/**
 * What the OpenSSL family was measured on: Debian 12's libssl3 on the host (process runtime) and
 * in the server image (container runtime), both ends run by the driver suite and by a bisection
 * to the byte (docs/limits-by-version.md).
 */
const OPENSSL_ON: MeasuredOn = { package: "openssl", from: "3.0.19", to: "3.0.22" };
const GNUTLS_ON: MeasuredOn = { package: "gnutls", from: "3.7.9", to: "3.7.9" };
const CADDY_ON: MeasuredOn = { package: "caddy", from: "2.6.2", to: "2.6.2" };

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

const u16List = (on: MeasuredOn, evidence: Evidence, past: PastLimit): ServerLimit => ({
  maxListBytes: CA_LIST_LIMIT_BYTES,
  rule: "certificate_authorities is a 16-bit vector",
  past,
  on,
  evidence,
});

const extensionsBlock = (
  shape: RequestShape13,
  on: MeasuredOn,
  evidence: Evidence,
  past: PastLimit,
): ServerLimit => ({
  maxListBytes: maxListBytes13(shape),
  rule: "the list shares the CertificateRequest's 16-bit extensions block with signature_algorithms",
  past,
  on,
  evidence,
});

const INTERNAL_ERROR = { kind: "aborts", alert: "internal_error" } as const;

/** MariaDB sends no names, so its list is always empty (0 B): no size ever reaches a limit. */
const MARIADB_NONE: ServerLimit = {
  maxListBytes: CA_LIST_LIMIT_BYTES,
  rule: "MariaDB never sends CA names (vio/viosslfactories.c sets no client CA list): the list is empty whatever ssl-ca holds",
  past: INTERNAL_ERROR,
  on: { package: "mariadb", from: "10.11.19", to: "10.11.19" },
  evidence: {
    how: "measured",
    where:
      "test/integration/servers/driver-suite.ts (NO_NAMES_CASES); test/integration/probe/mysql-starttls.test.ts (s_client: No client certificate CA names sent)",
  },
};

const openssl = (
  library: string,
  opts: { dedupesNames: boolean; sortsNames: boolean; orderExact?: boolean; versionKey?: string },
): ServerProfile => ({
  library,
  orderExact: true,
  versionKey: "openssl",
  ...opts,
  shape: OPENSSL_SHAPE,
  limits: {
    "1.2": [u16List(OPENSSL_ON, { how: "measured", where: DRIVER_SUITE }, INTERNAL_ERROR)],
    "1.3": [
      extensionsBlock(
        OPENSSL_SHAPE["1.3"],
        OPENSSL_ON,
        { how: "measured", where: DRIVER_SUITE },
        INTERNAL_ERROR,
      ),
    ],
  },
});

const schannel = (bytes: number, on: MeasuredOn, where: string): ServerProfile => {
  const limit: ServerLimit = {
    maxListBytes: bytes,
    rule: `Schannel stops adding names at ${formatInt(bytes)} bytes`,
    past: { kind: "truncates" },
    on,
    evidence: { how: "vendor", where },
  };
  return {
    library: "Schannel",
    dedupesNames: false,
    sortsNames: false,
    orderExact: true,
    versionKey: "windows-server",
    limits: { "1.2": [limit], "1.3": [limit] },
  };
};

/**
 * JSSE's TLS 1.3 limit is its extensions block minus signature_algorithms and
 * signature_algorithms_cert, whose lengths changed between Debian's 17.0.15 and 17.0.21.1 (five
 * schemes fewer in signature_algorithms: JDK-8349583 and JDK-8340321). Past the limit it aborts
 * while the raw DER subjects fit 65,535 B and leaves the extension out beyond (docs/domain.md: 751 roots).
 */
const JSSE_OMITS = {
  kind: "aborts-then-omits",
  alert: "internal_error",
  rawMaxBytes: CA_LIST_LIMIT_BYTES,
} as const;
const JAVA_BISECT = "a bisection to the byte with openssl s_client (docs/limits-by-version.md)";
const jsse13 = (shape: RequestShape13, version: string): ServerLimit => ({
  ...extensionsBlock(
    shape,
    { package: "java", from: version, to: version },
    {
      how: "measured",
      where: `${JAVA_BISECT}; ${DRIVER_SUITE}; the extensions read with s_client -trace`,
    },
    JSSE_OMITS,
  ),
  rule: `the list shares the 16-bit extensions block with signature_algorithms (${shape.signatureAlgorithms} schemes) and signature_algorithms_cert`,
});

/** Erlang/OTP's ssl as Debian 12 ships it (erlang-ssl 1:25.2.3+dfsg-1+deb12u4: ssl 10.8.7). */
const ERLANG_ON: MeasuredOn = { package: "erlang-ssl", from: "25.2.3", to: "25.2.3" };
/** BouncyCastle JSSE as Debian 12 ships it (libbctls-java 1.72-2), on OpenJDK 17.0.15. */
const BCTLS_ON: MeasuredOn = { package: "bctls", from: "1.72", to: "1.72" };
const BEAM_BISECT =
  "scenarios/erlang-bc-servers.scenario.ts (bisected to the byte, openssl s_client judging; docs/erlang-bouncycastle.md)";
const OTP_SHAPE = {
  ...OTP_25_REQUEST,
  evidence: { how: "measured", where: `openssl s_client -trace; ${BEAM_BISECT}` },
} as const satisfies ServerProfile["shape"];
const BCJSSE_SHAPE = {
  ...BCJSSE_1_72_REQUEST,
  evidence: { how: "measured", where: `openssl s_client -trace; ${BEAM_BISECT}` },
} as const satisfies ServerProfile["shape"];

/** Per server stack: list rules, message shape, limits per TLS version and package version. */
export const SERVER_PROFILES: Record<ServerStack, ServerProfile> = {
  nginx: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: false }),
  apache: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: true, orderExact: false }),
  haproxy: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: true }),
  stunnel: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: true, orderExact: false }),
  openssl: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: false }),
  // Both in the driver suite with the OpenSSL figures (limits.test.ts leaves postgres out: STARTTLS).
  lighttpd: openssl("OpenSSL 3.0 (mod_openssl)", { dedupesNames: true, sortsNames: false }),
  postgres: openssl("OpenSSL 3.0", { dedupesNames: true, sortsNames: false }),
  // MariaDB's acceptor (vio/viosslfactories.c) loads ssl-ca for verification only and never calls
  // SSL_CTX_set_client_CA_list: an empty list at any size (the driver suite, to 66,767 B; 10.11.19).
  mariadb: {
    ...openssl("OpenSSL 3.0 (MariaDB 10.11: no CA names ever)", {
      dedupesNames: true,
      sortsNames: false,
      versionKey: "mariadb",
    }),
    advertises: "never",
    limits: {
      "1.2": [MARIADB_NONE],
      "1.3": [MARIADB_NONE],
    },
  },
  // Node adds each CA with SSL_CTX_add_client_CA: repeated names are sent twice (README, 2025 CTL).
  // Its limits are its OpenSSL's, which the node driver reports as `node-openssl`.
  node: openssl("OpenSSL 3.0 (Node)", { dedupesNames: false, sortsNames: false, versionKey: "node-openssl" }),
  gnutls: {
    library: "GnuTLS 3.7.9",
    dedupesNames: false,
    sortsNames: false,
    orderExact: true,
    shape: GNUTLS_SHAPE,
    versionKey: "libgnutls",
    limits: {
      "1.2": [u16List(GNUTLS_ON, { how: "measured", where: DRIVER_SUITE }, { kind: "malformed" })],
      "1.3": [
        extensionsBlock(
          GNUTLS_SHAPE["1.3"],
          GNUTLS_ON,
          { how: "measured", where: DRIVER_SUITE },
          { kind: "aborts", alert: "decode_error" },
        ),
      ],
    },
  },
  caddy: {
    library: "Go 1.19 crypto/tls (Caddy 2.6.2)",
    dedupesNames: false,
    sortsNames: false,
    orderExact: true,
    shape: GO_SHAPE,
    versionKey: "caddy",
    limits: {
      "1.2": [
        u16List(
          CADDY_ON,
          { how: "measured", where: `${DRIVER_SUITE}; docs/domain.md (66,767 B wrapped to 1,231)` },
          { kind: "malformed" },
        ),
      ],
      "1.3": [
        extensionsBlock(
          GO_SHAPE["1.3"],
          CADDY_ON,
          {
            how: "measured",
            where: `${DRIVER_SUITE} (closes from 65,492 B); go1.19 cryptobyte 2-byte extensions prefix`,
          },
          { kind: "aborts", alert: "none (connection closed after EncryptedExtensions)" },
        ),
      ],
    },
  },
  java: {
    library: "JSSE (OpenJDK 17)",
    dedupesNames: false,
    sortsNames: false,
    orderExact: true,
    versionKey: "java",
    limits: {
      "1.2": [
        u16List(
          { package: "java", from: "17.0.15", to: "17.0.21.1" },
          { how: "measured", where: `${JAVA_BISECT}; ${DRIVER_SUITE} (Field length overflow from 65,536 B)` },
          INTERNAL_ERROR,
        ),
      ],
      "1.3": [
        jsse13(JSSE_17_0_15_REQUEST["1.3"], "17.0.15"),
        jsse13(JSSE_17_0_21_REQUEST["1.3"], "17.0.21.1"),
      ],
    },
  },
  // OTP writes its lengths with Erlang's ?UINT16 (modulo 65,536): past the limit the message goes
  // out with a wrapped length on both versions, no alert and nothing in the server's log.
  erlang: {
    library: "Erlang/OTP 25 ssl 10.8.7",
    dedupesNames: false,
    sortsNames: false,
    // Names in the order of OTP's certificate database: neither file order nor sorted.
    orderExact: false,
    shape: OTP_SHAPE,
    versionKey: "erlang-ssl",
    limits: {
      "1.2": [
        u16List(
          ERLANG_ON,
          { how: "measured", where: `${BEAM_BISECT}: 65,535 B sent, 65,536 B wrapped; ${DRIVER_SUITE}` },
          { kind: "malformed" },
        ),
      ],
      "1.3": [
        extensionsBlock(
          OTP_SHAPE["1.3"],
          ERLANG_ON,
          {
            how: "measured",
            where: `${BEAM_BISECT}: 65,491 B sent, 65,492 B with the extensions block's length wrapped; ${DRIVER_SUITE}`,
          },
          { kind: "malformed" },
        ),
      ],
    },
  },
  bouncycastle: {
    library: "BouncyCastle JSSE 1.72 (bctls, on OpenJDK 17)",
    // The accepted issuers go through a hash set: repeats dropped, order neither file nor sorted.
    dedupesNames: true,
    sortsNames: false,
    orderExact: false,
    shape: BCJSSE_SHAPE,
    versionKey: "bctls",
    limits: {
      "1.2": [
        u16List(
          BCTLS_ON,
          {
            how: "measured",
            where: `${BEAM_BISECT}: 65,535 B sent, 65,536 B: internal_error; ${DRIVER_SUITE}`,
          },
          INTERNAL_ERROR,
        ),
      ],
      "1.3": [
        extensionsBlock(
          BCJSSE_SHAPE["1.3"],
          BCTLS_ON,
          {
            how: "measured",
            where: `${BEAM_BISECT}: 65,485 B sent, 65,486 B: internal_error; ${DRIVER_SUITE}`,
          },
          INTERNAL_ERROR,
        ),
      ],
    },
  },
  schannel: schannel(
    SCHANNEL_BYTES,
    { package: "windows-server", from: "2008", to: "2025" },
    "KB 933430, event 36885 (Windows Server 2008 and later: 16 KB)",
  ),
  "schannel-2003": schannel(
    SCHANNEL_2003_BYTES,
    { package: "windows-server", from: "2003", to: "2003" },
    "KB 933430 (Windows Server 2003: 0x3000)",
  ),
};

/** One client stack's limits. */
export interface ClientProfile {
  /** TLS versions this client speaks, for the check's rows. */
  tls: readonly ("1.0" | TlsVersion)[];
  /** Largest CertificateRequest body (bytes) the client reads, and the knob that sets it. */
  maxBodyBytes?: { bytes: number; knob: string; on: MeasuredOn; evidence: Evidence };
  /** node-forge: a CertificateRequest spread over this many 16,384-byte records is refused. */
  maxRecords?: { records: number; on: MeasuredOn; evidence: Evidence };
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
    on: { package: "openssl", from: "3.0.0", to: "3.0.22" },
    evidence: { how: "source", where: "OpenSSL 3.0 statem_clnt.c ossl_statem_client_max_message_size" },
  },
};

/** The Java client's default cap, overridable with -Djdk.tls.maxHandshakeMessageSize. */
export const JAVA_MAX_HANDSHAKE_DEFAULT = 32_768;
/** BCJSSE's default (bctls 1.72 JsseUtils: jdk.tls.maxHandshakeMessageSize, 32,768 unless set). */
export const BCJSSE_MAX_HANDSHAKE_DEFAULT = 32_768;
/** OTP ssl 10.8.7's default `max_handshake_size` (256 KiB). */
export const ERLANG_MAX_HANDSHAKE_DEFAULT = 262_144;

/** Per client stack. */
export const CLIENT_PROFILES: Record<ClientStack, ClientProfile> = {
  java: {
    tls: ["1.2", "1.3"],
    maxBodyBytes: {
      bytes: JAVA_MAX_HANDSHAKE_DEFAULT,
      knob: "jdk.tls.maxHandshakeMessageSize",
      // The host's JDK (process runtime) and the image's (container runtime), bisected to the byte.
      on: { package: "java", from: "17.0.15", to: "17.0.21.1" },
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
      on: { package: "go", from: "1.19", to: "1.19" },
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
      knob: "MAX_HANDSHAKE_SIZE (rustls msgs/hsjoiner.rs, fixed)",
      on: { package: "rustls", from: "0.20.8", to: "0.20.8" },
      evidence: {
        how: "measured",
        where:
          "scenarios/native-boundary.scenario.ts (Debian librust-rustls-dev 0.20.8-4: body 65,535 B works, 65,536 B fails with `received corrupt message of type Handshake`, TLS 1.2 and 1.3)" +
          `; test/integration/clients/native-clients.test.ts; ${CHECK_SUITE} (seeded sizes around the cap)`,
      },
    },
  },
  mbedtls: {
    // Debian builds 2.28 without the experimental TLS 1.3: against a server offering both it speaks 1.2.
    tls: ["1.2"],
    maxBodyBytes: {
      // 2.28 reads a handshake message only when it lies whole in one record
      // (ssl_msg.c: "TLS handshake fragmentation not supported", -0x7080); OpenSSL starts each
      // message in a record of its own, so the whole message (body + 4 B header) must be ≤ 16,384 B.
      bytes: 16_380,
      knob: "one record: MBEDTLS_SSL_IN_CONTENT_LEN 16,384 B, no handshake reassembly (Debian's default build)",
      on: { package: "mbedtls", from: "2.28.3", to: "2.28.3" },
      evidence: {
        how: "measured",
        where:
          "scenarios/native-boundary.scenario.ts (libmbedtls14 2.28.3-1: message 16,384 B works, 16,385 B fails, TLS 1.2)" +
          `; test/integration/clients/native-clients.test.ts; ${CHECK_SUITE} (seeded sizes around the cap)`,
      },
    },
  },
  wolfssl: {
    tls: ["1.2", "1.3"],
    maxBodyBytes: {
      // internal.h: MAX_HANDSHAKE_SZ defaults to MAX_CERTIFICATE_SZ = 3 + (MAX_X509_SIZE 2,048 + 3) ×
      // MAX_CHAIN_DEPTH 9 = 18,462 B; Debian's --enable-distro build keeps the defaults.
      bytes: 18_462,
      knob: "MAX_HANDSHAKE_SZ (compile time; Debian's build: MAX_CERTIFICATE_SZ = 3 + 2,051 × 9)",
      on: { package: "wolfssl", from: "5.5.4", to: "5.5.4" },
      evidence: {
        how: "measured",
        where:
          "scenarios/native-boundary.scenario.ts (libwolfssl35 5.5.4-2+deb12u3: message 18,466 B works, 18,467 B fails with -404, TLS 1.2 and 1.3)" +
          `; test/integration/clients/native-clients.test.ts; ${CHECK_SUITE} (seeded sizes around the cap)`,
      },
    },
  },
  // OTP's own TLS: `max_handshake_size` (262,144 B by default in ssl 10.8.7, as ssl:listen's
  // options print it) bounds a handshake message body; no CertificateRequest comes near it.
  erlang: {
    tls: ["1.2", "1.3"],
    maxBodyBytes: {
      bytes: ERLANG_MAX_HANDSHAKE_DEFAULT,
      knob: "max_handshake_size (ssl client option)",
      on: { package: "erlang-ssl", from: "25.2.3", to: "25.2.3" },
      evidence: {
        how: "measured",
        where:
          "scenarios/erlang-boundary.scenario.ts (OTP 25.2.3, ssl 10.8.7: default takes the largest list openssl s_server sends, 65,587 B message on TLS 1.2, 65,542 B on 1.3; max_handshake_size=32768: body 32,768 B works, 32,769 B refused as malformed_handshake_data, TLS 1.2 and 1.3)" +
          "; test/integration/clients/erlang-bouncycastle-clients.test.ts",
      },
    },
  },
  bouncycastle: {
    tls: ["1.2", "1.3"],
    maxBodyBytes: {
      bytes: BCJSSE_MAX_HANDSHAKE_DEFAULT,
      knob: "jdk.tls.maxHandshakeMessageSize (read by BCJSSE too)",
      on: { package: "bctls", from: "1.72", to: "1.72" },
      evidence: {
        how: "measured",
        where:
          "scenarios/bouncycastle-boundary.scenario.ts (bctls 1.72 on Java 17.0.15: body 32,768 B works, 32,769 B fails, TLS 1.2 and 1.3, one name and one byte wide)" +
          `; test/integration/clients/erlang-bouncycastle-clients.test.ts; ${CHECK_SUITE} (seeded sizes around the cap)`,
      },
    },
    selectsByIssuer: {
      how: "measured",
      where:
        "test/integration/clients/erlang-bouncycastle-clients.test.ts (BCJSSE's X.509 key manager chose no alias when the issuer was not listed, TLS 1.2 and 1.3)",
    },
    refusesEmptyExtension13: {
      how: "measured",
      where:
        "openssl s_server -no_ca_names, TLS 1.3: TlsFatalAlert decode_error(50) (docs/erlang-bouncycastle.md)",
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
      on: { package: "node-forge", from: "1.4.3", to: "1.4.3" },
      evidence: {
        how: "measured",
        where:
          "scenarios/clients.scenario.ts (node-forge 1.x: a 32,775 B CertificateRequest over 3 records → unexpected_message; docs/domain.md: 55 KB over 4)",
      },
    },
    selectsByIssuer: { how: "measured", where: "harness/clients/forge-client.ts (getCertificate by issuer)" },
  },
};

/** The servers and clients checked when none are named. */
export const DEFAULT_SERVERS: readonly ServerStack[] = SERVER_STACKS;
export const DEFAULT_CLIENTS: readonly ClientStack[] = ["java", "go", "openssl", "node", "gnutls"];
