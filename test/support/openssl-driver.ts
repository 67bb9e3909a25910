import type { TestPki } from "../../harness/pki/test-pki.ts";
import { type RootEntry, RootStore } from "../../harness/roots/root-store.ts";
import { TlsServer } from "../../harness/servers/tls-server.ts";

/**
 * The openssl driver (`openssl s_server`, harness/servers/drivers/openssl.ts) loaded with `entries`
 * in this order, the test PKI's server certificate, a client certificate required, both TLS
 * versions: a builder to adjust (withTls, withIssuerPolicy, withGroups...) and start on a runtime.
 */
export function opensslServer(pki: TestPki, entries: readonly RootEntry[]): TlsServer {
  return new TlsServer("openssl").withPki(pki).withRoots(new RootStore("test list", "mixed", entries));
}
