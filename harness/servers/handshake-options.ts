import { InputError } from "../errors.ts";
import type { Capability } from "./driver-contract.ts";
import type { ServerConfig } from "./server-config.ts";

/**
 * Handshake settings beyond the issuer policy, each refused unless the driver says it can express
 * it: a server that requests no client certificate at all (the baseline a probe or client is held
 * against: "no CertificateRequest" must be told apart from an empty one), the key-exchange groups
 * it accepts (a group the client did not share up front forces a HelloRetryRequest), and its
 * TLS 1.2 cipher suites (RSA key exchange sends no ServerKeyExchange, so its flight replays).
 */
export interface HandshakeCapabilities {
  /** clientAuth "none": no CertificateRequest. */
  noClientAuth?: Capability;
  groups?: Capability;
  cipher12?: Capability;
}

/** Key-exchange groups by their OpenSSL 3 names (`openssl list -tls-groups`, plus the FFDHE ones). */
export const SERVER_GROUPS = [
  "P-256",
  "P-384",
  "P-521",
  "X25519",
  "X448",
  "ffdhe2048",
  "ffdhe3072",
  "ffdhe4096",
  "ffdhe6144",
  "ffdhe8192",
] as const;

/** An OpenSSL cipher string: suite names and the list's own operators, nothing a config or argv could break on. */
const CIPHER_STRING = /^[A-Za-z0-9+!@:=_.-]+$/;

function refuse(driver: string, field: string, cap: Capability | undefined, what: string): void {
  if (cap?.supported) return;
  throw new InputError(
    `${driver}.${field}`,
    `${what} is not supported by ${driver}${cap?.how ? ` ${cap.how}` : ""}`,
  );
}

/** Throw InputError (naming field and value) unless `config`'s handshake settings are valid and the driver takes them. */
export function checkHandshakeOptions(
  driver: string,
  caps: HandshakeCapabilities,
  config: ServerConfig,
): void {
  if (config.clientAuth === "none") {
    refuse(driver, "clientAuth", caps.noClientAuth, `"none" (no CertificateRequest)`);
    if (config.policy.kind !== "all")
      throw new InputError(
        `${driver}.policy`,
        `"${config.policy.kind}" means nothing with clientAuth "none": no CertificateRequest carries a list`,
      );
  }
  if (config.groups !== undefined) {
    refuse(driver, "groups", caps.groups, "choosing key-exchange groups");
    if (config.groups.length === 0)
      throw new InputError(`${driver}.groups`, "is empty (leave it out for the default)");
    const known: readonly string[] = SERVER_GROUPS;
    for (const g of config.groups)
      if (!known.includes(g))
        throw new InputError(`${driver}.groups`, `"${g}" is not one of ${SERVER_GROUPS.join(", ")}`);
    if (new Set(config.groups).size !== config.groups.length)
      throw new InputError(`${driver}.groups`, `"${config.groups.join(":")}" names a group twice`);
  }
  if (config.cipher12 !== undefined) {
    refuse(driver, "cipher12", caps.cipher12, "a fixed TLS 1.2 cipher list");
    if (!CIPHER_STRING.test(config.cipher12))
      throw new InputError(`${driver}.cipher12`, `"${config.cipher12}" is not an OpenSSL cipher string`);
    if (!config.tls.includes("1.2"))
      throw new InputError(`${driver}.cipher12`, `"${config.cipher12}" has no effect without TLS 1.2`);
    if (config.legacyCompat)
      throw new InputError(
        `${driver}.cipher12`,
        `"${config.cipher12}" and legacyCompat both set the cipher list: choose one`,
      );
  }
}
