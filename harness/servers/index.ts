import { nginxDriver } from "./nginx-server.ts";
import type { DriverName, ServerDriver } from "./server-driver.ts";

export type { Capabilities, Capability, DriverName, PolicyKind, ServerDriver } from "./server-driver.ts";
export { DRIVER_NAMES, POLICY_KINDS } from "./server-driver.ts";

/** Every server driver, by name. Each runs under either runtime (see harness/runtime). */
export const DRIVERS: Record<DriverName, ServerDriver> = {
  nginx: nginxDriver,
} as Record<DriverName, ServerDriver>;
