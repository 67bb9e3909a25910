import { defineScenario } from "rootload";

const ctl = (date: string) => `microsoft:${date}`;

/** The shipped Microsoft CTL snapshots, oldest first (ThisUpdate dates; rootload roots list). */
const SNAPSHOTS = [
  "2012-11-02",
  "2013-03-21",
  "2013-06-26",
  "2013-10-03",
  "2014-03-12",
  "2014-09-12",
  "2015-01-22",
  "2015-02-23",
  "2016-01-28",
  "2018-01-22",
  "2020-09-15",
  "2022-11-15",
  "2025-06-16",
];
/** Up to 2015-01 the CTL still holds a root gnutls-serv cannot load (see the expectation below). */
const GNUTLS_REFUSED = SNAPSHOTS.slice(0, SNAPSHOTS.indexOf("2015-02-23"));
/**
 * The newer servers run the first and last real lists and the synthetic sizes only: PostgreSQL and
 * lighttpd restart on every step, and a JVM reload costs seconds; this bounds the sweep's wall time.
 */
const SHORT_STEPS = ["2012-11-02", "2025-06-16", "n=600", "n=800", "n=1000", "n=2000"];
/**
 * Go's certificate pool silently leaves out a certificate it cannot parse: Caddy advertises one
 * name fewer than configured on every Microsoft list up to 2016-01 (measured: 318 of 319 on
 * 2012-11, 292 of 293 on 2016-01). The served check reads such a list by its content
 * (test/integration/servers/caddy-left-out.test.ts runs Caddy through those lists); here it starts
 * on the first list Go loads whole, so that one expectation ("advertises all") holds for its series.
 */
const CADDY_STEPS = ["2018-01-22", ...SHORT_STEPS.slice(1)];
/**
 * mbedTLS and wolfSSL refuse to start with the 2012-11 list (measured: mod_mbedtls "ssl.ca-file
 * = …: ERROR - Generic error (-0xffffffff)"; mod_wolfssl "ASN date error, current date after").
 */
const LATER_STEPS = SHORT_STEPS.slice(1);
const OPENSSL_FAMILY = [
  "nginx",
  "apache",
  "haproxy",
  "stunnel",
  "openssl",
  "node",
  "postgres",
  "lighttpd",
] as const;

/**
 * What a growing Windows root list does to every server: the 13 Microsoft CTL snapshots
 * 2012 → 2025 (serverAuth roots), then synthetic roots up to 2,000, in real containers,
 * TLS 1.2 and 1.3, advertising the whole list or nothing.
 */
export default defineScenario({
  name: "growth",
  description: "Microsoft CTLs 2012→2025 then synthetic growth to 2,000 roots, every container server",
  runtime: "container",
  servers: [
    { driver: "nginx", policy: ["all", "none"] },
    { driver: "apache", policy: ["all", "none"] },
    { driver: "haproxy", policy: ["all", "none"] },
    { driver: "stunnel", policy: ["all", "none"] },
    { driver: "openssl", policy: ["all", "none"] },
    { driver: "gnutls", policy: ["all"] },
    { driver: "node", policy: ["all", "none"] },
    { driver: "java", policy: ["all"], steps: SHORT_STEPS },
    { driver: "caddy", policy: ["all"], steps: CADDY_STEPS },
    { driver: "postgres", policy: ["all"], steps: SHORT_STEPS },
    { driver: "lighttpd", policy: ["all"], steps: SHORT_STEPS },
    // mbedTLS 2.28 has no TLS 1.3 server; wolfSSL 5.5.4 never sends names (only `none` is expressible).
    { driver: "lighttpd-mbedtls", tls: ["1.2"], policy: ["all"], steps: LATER_STEPS },
    { driver: "lighttpd-wolfssl", policy: ["none"], steps: LATER_STEPS },
  ],
  roots: {
    source: {
      kind: "snapshots",
      purpose: "serverAuth",
      paths: SNAPSHOTS.map(ctl),
    },
    sizes: [600, 800, 1_000, 2_000],
    topUpSynthetic: true,
    clientIssuer: "first",
  },
  clients: ["node"],
  bench: { time: 60, iterations: 3 },
  expect: [
    {
      // SecureNet CA Class B (SHA-1 7ac5fff8…), in the CTL until Microsoft's 2015-02 removal, has a
      // validity time GnuTLS rejects ("The DER time encoding is invalid"): gnutls-serv will not start.
      name: "gnutls-serv refuses the 2012 to 2015-01 Microsoft lists",
      when: {
        server: "gnutls",
        step: GNUTLS_REFUSED,
      },
      outcome: "server-error",
    },
    { name: "policy none always works", when: { policy: "none" }, outcome: "ok", advertises: "none" },
    {
      name: "OpenSSL-based servers send every real list up to 2025",
      when: {
        server: [...OPENSSL_FAMILY],
        policy: "all",
        maxBytes: 65_481,
      },
      outcome: "ok",
      advertises: "all",
    },
    {
      name: "OpenSSL-based servers abort past the 16-bit limit",
      when: {
        server: [...OPENSSL_FAMILY],
        policy: "all",
        minBytes: 65_536,
      },
      outcome: "server-alert",
      alert: "internal_error",
    },
    {
      name: "JSSE sends every real list up to 2025 (duplicates kept)",
      // JSSE's TLS 1.3 limit depends on the build (65,453 B on 17.0.15, 65,463 B on 17.0.21.1:
      // docs/limits-by-version.md); every real list is far below both.
      when: { server: "java", policy: "all", maxBytes: 65_453 },
      outcome: "ok",
      advertises: "all",
    },
    {
      name: "JSSE on TLS 1.2 aborts past the 16-bit limit (Field length overflow)",
      when: { server: "java", tls: "1.2", minBytes: 65_536 },
      outcome: "server-alert",
      alert: "internal_error",
    },
    {
      name: "JSSE on TLS 1.3 silently omits the list once the raw subjects pass 65,535 bytes",
      when: { server: "java", tls: "1.3", minBytes: 80_000 },
      outcome: "ok",
      advertises: "none",
    },
    {
      name: "Caddy sends every real list it runs (from 2018 on: lists Go loads whole)",
      when: { server: "caddy", maxBytes: 65_491 },
      outcome: "ok",
      advertises: "all",
    },
    {
      name: "Caddy on TLS 1.2 wraps the 16-bit length past the limit",
      when: { server: "caddy", tls: "1.2", minBytes: 65_536, maxBytes: 102_400 },
      outcome: "malformed",
    },
    {
      // The wrapped list declares a few bytes, but the message around it is the whole list: past
      // OpenSSL's max_cert_list (102,400 B) the node client stops reading it (measured: n=1000, 108,212 B).
      name: "Caddy on TLS 1.2 past the client's 102,400 B: the message is too large for the client",
      when: { server: "caddy", tls: "1.2", minBytes: 102_401 },
      outcome: "excessive-size",
    },
    {
      name: "Caddy on TLS 1.3 closes without an alert past the limit",
      when: { server: "caddy", tls: "1.3", minBytes: 65_536 },
      outcome: "reset",
    },
    {
      name: "mbedTLS truncates to its buffer: the first-placed client issuer always gets through",
      when: { server: "lighttpd-mbedtls" },
      outcome: "ok",
    },
    {
      name: "gnutls-serv sends the real lists from 2015-02 on",
      when: {
        server: "gnutls",
        step: SNAPSHOTS.slice(GNUTLS_REFUSED.length),
      },
      outcome: "ok",
      advertises: "all",
    },
  ],
});
