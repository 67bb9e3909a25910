import type { DriverName } from "./names.ts";

/** Plaintext protocols whose connections upgrade to TLS after a prelude (probe, clients, drivers). */
export const STARTTLS_PROTOCOLS = ["postgres", "smtp", "imap", "ldap", "mysql"] as const;
export type StartTlsProtocol = (typeof STARTTLS_PROTOCOLS)[number];

export function isStartTlsProtocol(s: string): s is StartTlsProtocol {
  return (STARTTLS_PROTOCOLS as readonly string[]).includes(s);
}

/**
 * The drivers whose every connection starts with a prelude. Kept here, beside the protocols, so
 * the scenario validator (which may not import the drivers) can refuse a client that cannot speak
 * it; test/unit/servers/starttls-drivers.test.ts checks that each driver's own `starttls` agrees.
 */
export const DRIVER_STARTTLS: Partial<Record<DriverName, StartTlsProtocol>> = {
  postgres: "postgres",
  mariadb: "mysql",
};
