/** TLS protocol facts the whole harness shares: versions and client-authentication modes. */

export type TlsVersion = "1.2" | "1.3";
export const TLS_VERSIONS: readonly TlsVersion[] = ["1.2", "1.3"];

/** Whether the server requires a client certificate or only asks for one. */
export type ClientAuthMode = "require" | "optional";
