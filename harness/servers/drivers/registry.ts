import type { DriverName } from "../../model/names.ts";
import type { ServerDriver } from "../driver-contract.ts";
import { apacheDriver } from "./apache.ts";
import { bouncycastleDriver } from "./bouncycastle.ts";
import { caddyDriver } from "./caddy.ts";
import { erlangDriver } from "./erlang.ts";
import { gnutlsDriver } from "./gnutls.ts";
import { haproxyDriver } from "./haproxy.ts";
import { javaDriver } from "./java.ts";
import { lighttpdMbedtlsDriver, lighttpdOpensslDriver, lighttpdWolfsslDriver } from "./lighttpd.ts";
import { mariadbDriver } from "./mariadb.ts";
import { nginxDriver } from "./nginx.ts";
import { nodeDriver } from "./node.ts";
import { opensslDriver } from "./openssl.ts";
import { postgresDriver } from "./postgres.ts";
import { stunnelDriver } from "./stunnel.ts";

export type { Capabilities, Capability, ServerDriver } from "../driver-contract.ts";

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
  mariadb: mariadbDriver,
  erlang: erlangDriver,
  bouncycastle: bouncycastleDriver,
};
