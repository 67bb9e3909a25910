import type { DriverName } from "../model/names.ts";
import { apacheDriver } from "./apache-server.ts";
import { caddyDriver } from "./caddy-server.ts";
import { gnutlsDriver } from "./gnutls-server.ts";
import { haproxyDriver } from "./haproxy-server.ts";
import { javaDriver } from "./java-server.ts";
import { lighttpdMbedtlsDriver, lighttpdOpensslDriver, lighttpdWolfsslDriver } from "./lighttpd-server.ts";
import { nginxDriver } from "./nginx-server.ts";
import { nodeDriver } from "./node-server.ts";
import { opensslDriver } from "./openssl-server.ts";
import { postgresDriver } from "./postgres-server.ts";
import type { ServerDriver } from "./server-driver.ts";
import { stunnelDriver } from "./stunnel-server.ts";

export type { Capabilities, Capability, ServerDriver } from "./server-driver.ts";

/** Every server driver, by name. Each runs under either runtime (see harness/runtime). */
export const DRIVERS: Record<DriverName, ServerDriver> = {
  nginx: nginxDriver,
  apache: apacheDriver,
  haproxy: haproxyDriver,
  openssl: opensslDriver,
  gnutls: gnutlsDriver,
  stunnel: stunnelDriver,
  node: nodeDriver,
  postgres: postgresDriver,
  java: javaDriver,
  caddy: caddyDriver,
  lighttpd: lighttpdOpensslDriver,
  "lighttpd-mbedtls": lighttpdMbedtlsDriver,
  "lighttpd-wolfssl": lighttpdWolfsslDriver,
};
