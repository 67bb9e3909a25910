/**
 * Builds the clients the process runtime runs on this host, into the user's build cache (the
 * same cache the clients use on first use, keyed by source hash): the rustls client (cargo,
 * offline, from Debian's crates: about a minute of CPU from a clean cache), the Java client's
 * classes, the Go client and the C clients. `.ci/run` runs it beside the server image build so
 * that no test waits on a compiler. Prints one line per client. Usage:
 * node --import tsx containers/build-host-clients.ts
 */
import {
  cClientBinary,
  goClientBinary,
  javaClientClasses,
  rustlsClientBinary,
} from "../harness/clients/client-builds.ts";

const builds: [string, () => Promise<string>][] = [
  ["rustls", () => rustlsClientBinary()],
  ["java", () => javaClientClasses()],
  ["go", () => goClientBinary()],
  ["mbedtls", () => cClientBinary("mbedtls")],
  ["wolfssl", () => cClientBinary("wolfssl")],
];
const started = Date.now();
for (const [name, build] of builds) {
  const t0 = Date.now();
  const where = await build();
  process.stdout.write(`build-host-clients: ${name} ${where} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(`build-host-clients: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
