import { type ClientEntry, type ClientSpec, clientSpec } from "../model/client-spec.ts";
import type { ClientName } from "../model/names.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { bouncycastleProgram } from "./bouncycastle-client.ts";
import { curlAvailable, curlHandshake } from "./curl-client.ts";
import { erlangProgram } from "./erlang-client.ts";
import { forgeStack } from "./forge-client.ts";
import { gnutlsStack } from "./gnutls-client.ts";
import { goProgram } from "./go-client.ts";
import { identityOf, withIssuerSelection } from "./issuer-selection.ts";
import { javaProgram } from "./java-client.ts";
import { LoopClient, type LoopProgram } from "./loop-client.ts";
import { mbedtlsProgram } from "./mbedtls-client.ts";
import { nodeStack } from "./node-client.ts";
import { opensslStack } from "./openssl-client.ts";
import { pythonProgram } from "./python-client.ts";
import { rustlsProgram } from "./rustls-client.ts";
import type { ClientStack, TlsClient } from "./tls-client.ts";
import { wolfsslProgram } from "./wolfssl-client.ts";

export { type ClientSpec, clientLabel, clientSpec, NATIVE_SELECTION } from "../model/client-spec.ts";
export { opensslAcceptableCaNames } from "./openssl-client.ts";
export type { HandshakeOptions, HandshakeResult, TlsClient } from "./tls-client.ts";

const STACKS: Partial<Record<ClientName, ClientStack>> = {
  node: nodeStack,
  forge: forgeStack,
  openssl: opensslStack,
  gnutls: gnutlsStack,
  curl: { available: curlAvailable, once: curlHandshake },
};

const PROGRAMS: Partial<Record<ClientName, LoopProgram>> = {
  java: javaProgram,
  go: goProgram,
  python: pythonProgram,
  mbedtls: mbedtlsProgram,
  wolfssl: wolfsslProgram,
  rustls: rustlsProgram,
  erlang: erlangProgram,
  bouncycastle: bouncycastleProgram,
};

/**
 * Where persistent clients run: the run's runtime (java, go, erlang and bouncycastle in the image in
 * the container runtime).
 */
export interface ClientEnv {
  runtime?: Runtime;
}

/** A one-shot client; node, openssl and gnutls apply the KB 2801679 rule only when told to. */
function oneShot(spec: ClientSpec, stack: ClientStack): TlsClient {
  const emulate = spec.selection === "by-issuer-list" && spec.name !== "forge";
  return {
    name: spec.name,
    label: spec.label,
    selection: spec.selection,
    available: () => stack.available(),
    availability: async () =>
      (await stack.available())
        ? { ok: true }
        : { ok: false, reason: `${spec.name} is not installed on this host` },
    handshake: (o) =>
      emulate
        ? withIssuerSelection(o, (id) => stack.once(o, id))
        : stack.once(o, identityOf(o.pki, o.identity)),
    close: async () => {},
  };
}

/**
 * A client for a scenario entry (`"java"`, `{ name: "java", properties: {...} }`). Persistent
 * clients (java, go, python, erlang, bouncycastle) start their process on first use and stop it on close(); without a
 * runtime they run on this host.
 */
export function createClient(entry: ClientEntry | ClientSpec, env: ClientEnv = {}): TlsClient {
  const spec =
    typeof entry === "object" && "selection" in entry
      ? (entry as ClientSpec)
      : clientSpec(entry as ClientEntry);
  const stack = STACKS[spec.name];
  if (stack) return oneShot(spec, stack);
  const program = PROGRAMS[spec.name]!;
  let own: Runtime | undefined;
  const client = new LoopClient(spec, program, async () => {
    if (env.runtime) return env.runtime;
    if (!own) {
      const { ProcessRuntime } = await import("../runtime/process-runtime.ts");
      own = new ProcessRuntime();
    }
    return own;
  });
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    await own?.close();
    own = undefined;
  };
  return client;
}

/** Every client with its real defaults, on this host (tests, capture scripts). */
export const CLIENTS: Record<ClientName, TlsClient> = {
  node: createClient("node"),
  forge: createClient("forge"),
  openssl: createClient("openssl"),
  gnutls: createClient("gnutls"),
  java: createClient("java"),
  go: createClient("go"),
  python: createClient("python"),
  curl: createClient("curl"),
  mbedtls: createClient("mbedtls"),
  wolfssl: createClient("wolfssl"),
  rustls: createClient("rustls"),
  erlang: createClient("erlang"),
  bouncycastle: createClient("bouncycastle"),
};
