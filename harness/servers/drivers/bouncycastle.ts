import { signalFromPidFile } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { javaServerRender } from "./java.ts";

/** BouncyCastle's jars as Debian installs them (libbctls-java, libbcprov-java; bcutil comes with bctls). */
const BC_CLASSPATH = "/usr/share/java/bctls.jar:/usr/share/java/bcprov.jar:/usr/share/java/bcutil.jar";

/**
 * BouncyCastle JSSE as a server (Debian bctls/bcprov 1.72 on OpenJDK 17): the JSSE server's
 * program (containers/java-server) with `provider=BCJSSE`, so the SSLContext, key and trust
 * managers are BCJSSE's over the BC provider. BCJSSE fills its CertificateRequest from the trust
 * manager's getAcceptedIssuers() (TLS 1.3: the certificate_authorities extension, on unless
 * `jdk.tls.server.enableCAExtension=false`), so every policy is expressible as with SunJSSE.
 */
export const bouncycastleDriver = defineDriver({
  name: "bouncycastle",
  binary: { name: "java", pkg: "openjdk-17-jre-headless" },
  packages: { bctls: "libbctls-java", bcprov: "libbcprov-java", openjdk: "openjdk-17-jre-headless" },
  capabilities: {
    all: {
      "1.2": { supported: true, how: "(getAcceptedIssuers() = store; repeats dropped, hash-set order)" },
      "1.3": { supported: true, how: "(getAcceptedIssuers() = store; repeats dropped, hash-set order)" },
    },
    none: {
      "1.2": { supported: true, how: "(getAcceptedIssuers() empty)" },
      "1.3": { supported: true, how: "(getAcceptedIssuers() empty)" },
    },
    "truncate-bytes": {
      "1.2": { supported: true, how: "(getAcceptedIssuers() = prefix, PKIX over the store)" },
      "1.3": { supported: true, how: "(getAcceptedIssuers() = prefix, PKIX over the store)" },
    },
    explicit: {
      "1.2": { supported: true, how: "(the given subjects, in hash-set order)" },
      "1.3": { supported: true, how: "(the given subjects, in hash-set order)" },
    },
  },
  limits: {
    "1.2": "all names up to 65,535 bytes (repeats dropped); from 65,536: internal_error",
    "1.3":
      "all names up to 65,485 bytes (the 16-bit extensions block less signature_algorithms, 19 schemes); one byte more: internal_error",
  },
  legacy: { supported: false, how: "(not set up: the forge model is served by the OpenSSL family)" },
  notes: [
    "Same server program as the java driver with provider=BCJSSE; reload = a new SSLContext inside the running JVM on SIGHUP.",
    "Drops repeated names and sends them in hash-set order (neither file order nor sorted); TLS 1.3 puts certificate_authorities before signature_algorithms.",
  ],
  ready: /rootload bouncycastle server listening/,
  readyTimeoutMs: 120_000,
  reload: {
    kind: "command",
    argv: (ctx) => signalFromPidFile("SIGHUP", ctx.state("java.pid")),
    done: /rootload bouncycastle server reloaded/,
    failed: /rootload bouncycastle server reload failed/,
  },
  render: (ctx) => javaServerRender(ctx, ["provider=BCJSSE"], BC_CLASSPATH),
  versionsFromLog: (output): Record<string, string> => {
    const m = /listening java=(\S+).* bcjsse=(\S+) bcprov=(\S+)/.exec(output);
    return m ? { java: m[1]!, bcjsse: m[2]!, "bcprov-runtime": m[3]! } : {};
  },
});
