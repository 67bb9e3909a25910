/**
 * Builds the clients that go into the server image: the Go client binary (on the host, cached by
 * source hash; golang itself would add ~450 MB to the image), the C clients (mbed TLS, wolfSSL; linked
 * against Debian's shared libraries, which the image has for lighttpd) and reports the Java client's source
 * hash (it is compiled inside the image by the image's own JRE). Prints one JSON line for
 * containers/build-images.sh. Usage: node --import tsx containers/build-clients.ts
 */
import { existsSync } from "node:fs";
import path from "node:path";

// A checkout has the sources; an installed package (`npm i -g`, then containers/provision.sh from
// it) has only the compiled dist/.
const sources = new URL("../harness/clients/client-builds.ts", import.meta.url);
const { CLIENT_SOURCES, cClientBinary, goClientBinary, JAVA_MAIN, sourceHash } = (await import(
  existsSync(sources) ? sources.href : new URL("../dist/clients/client-builds.js", import.meta.url).href
)) as typeof import("../harness/clients/client-builds.ts");

const goBinary = await goClientBinary();
const mbedtlsBinary = await cClientBinary("mbedtls");
const wolfsslBinary = await cClientBinary("wolfssl");
process.stdout.write(
  `${JSON.stringify({
    goBinary,
    goHash: sourceHash(CLIENT_SOURCES.go),
    javaSource: path.join(CLIENT_SOURCES.java, `${JAVA_MAIN}.java`),
    javaHash: sourceHash(CLIENT_SOURCES.java),
    mbedtlsBinary,
    mbedtlsHash: sourceHash(CLIENT_SOURCES.mbedtls),
    wolfsslBinary,
    wolfsslHash: sourceHash(CLIENT_SOURCES.wolfssl),
  })}\n`,
);
