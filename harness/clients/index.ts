import type { ClientName } from "../model/names.ts";
import { forgeClient } from "./forge-client.ts";
import { gnutlsClient } from "./gnutls-client.ts";
import { nodeClient } from "./node-client.ts";
import { opensslClient } from "./openssl-client.ts";
import type { TlsClient } from "./tls-client.ts";

export { opensslAcceptableCaNames } from "./openssl-client.ts";
export type { HandshakeOptions, HandshakeResult, TlsClient } from "./tls-client.ts";

/** Every handshake client, by name. */
export const CLIENTS: Record<ClientName, TlsClient> = {
  node: nodeClient,
  forge: forgeClient,
  openssl: opensslClient,
  gnutls: gnutlsClient,
};
