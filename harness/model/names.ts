/** The names a scenario may use for clients, server drivers and runtimes, with their lists. */

export const CLIENT_NAMES = [
  "node",
  "forge",
  "openssl",
  "gnutls",
  "java",
  "go",
  "python",
  "curl",
  "mbedtls",
  "wolfssl",
  "rustls",
  "erlang",
  "bouncycastle",
] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

/** How a client chooses its certificate: from the advertised issuers (KB 2801679) or always the configured one. */
export const CLIENT_SELECTIONS = ["by-issuer-list", "always"] as const;
export type ClientSelection = (typeof CLIENT_SELECTIONS)[number];

export const DRIVER_NAMES = [
  "nginx",
  "apache",
  "haproxy",
  "openssl",
  "gnutls",
  "stunnel",
  "node",
  "postgres",
  "java",
  "caddy",
  "lighttpd",
  "lighttpd-mbedtls",
  "lighttpd-wolfssl",
  "mariadb",
  "erlang",
  "bouncycastle",
] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

/** A scenario's server may also be an endpoint: a running server that rootload does not start. */
export const SCENARIO_DRIVER_NAMES = [...DRIVER_NAMES, "endpoint"] as const;
export type ScenarioDriver = (typeof SCENARIO_DRIVER_NAMES)[number];

/** Where servers run: `auto` = containers when the engine and image are there, else processes. */
export const RUNTIME_CHOICES = ["auto", "container", "process"] as const;
export type RuntimeChoice = (typeof RUNTIME_CHOICES)[number];
