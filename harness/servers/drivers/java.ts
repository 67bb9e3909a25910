import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type RenderContext, signalFromPidFile } from "../driver-contract.ts";
import { defineDriver } from "../driver-server.ts";
import { ISSUER_FILES } from "../issuer-plan.ts";
import { enabledVersions } from "../protocols.ts";

/** The server's source: one Java file, compiled in the server's directory at launch. */
const SOURCE_PATH = fileURLToPath(
  new URL("../../../containers/java-server/RootloadServer.java", import.meta.url),
);
let source: string | undefined;
function javaSource(): string {
  source ??= readFileSync(SOURCE_PATH, "utf8");
  return source;
}

const JSSE_NAME = { "1.0": "TLSv1", "1.1": "TLSv1.1", "1.2": "TLSv1.2", "1.3": "TLSv1.3" } as const;

/** The forge model's suites (TLS_RSA_WITH_AES_*_CBC_SHA) plus modern ones for the other clients. */
const LEGACY_SUITES = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
];

/** The server's properties file; `extra` lines select another provider (the bouncycastle driver). */
export function javaServerProperties(ctx: RenderContext, extra: readonly string[] = []): string {
  const { config, plan, file } = ctx;
  const lines = [
    ...extra,
    `host=${ctx.listenHost}`,
    `port=${ctx.listenPort}`,
    `mode=${plan.mode}`,
    `clientAuth=${config.clientAuth}`,
    `certFile=${file("server.crt")}`,
    `keyFile=${file("server.key")}`,
    `verifyFile=${file(ISSUER_FILES.verify)}`,
    `advertiseFile=${file(ISSUER_FILES.advertise)}`,
    `protocols=${enabledVersions(config)
      .map((v) => JSSE_NAME[v])
      .join(",")}`,
    `ciphers=${config.legacyCompat ? LEGACY_SUITES.join(",") : ""}`,
  ];
  return `# rendered by rootload\n${lines.join("\n")}\n`;
}

/** Java 17 disables TLS 1.0/1.1 in java.security; legacyCompat re-enables them for this JVM only. */
const LEGACY_SECURITY = `# rendered by rootload: java.security overrides for legacyCompat
jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon, NULL
`;

/**
 * Compile once per directory (about a second; the JVM then lives for the server's whole life,
 * reloading on SIGHUP), then run ($3: jars added to the class path). Classes and the pid file go
 * into the writable state folder ($2): the rest of the directory is read-only in a container. The pid file is the JVM's:
 * `exec` keeps the shell's pid. No hsperfdata file: nothing is written outside the state folder.
 */
const START_SCRIPT = `#!/bin/sh
set -e
cd "$1"
if [ ! -f "$2/classes/RootloadServer.class" ]; then
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -m jdk.compiler/com.sun.tools.javac.Main -nowarn -d "$2/classes" RootloadServer.java
fi
echo $$ > "$2/java.pid"
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xmx256m -Djava.security.properties="$1/java.security" -cp "$2/classes\${3:+:$3}" RootloadServer "$1/rootload-java.properties"
`;

/** The files and command of the JSSE server; `classpath` adds jars (BouncyCastle's), `extra` properties. */
export function javaServerRender(ctx: RenderContext, extra: readonly string[] = [], classpath?: string) {
  return {
    files: {
      "RootloadServer.java": javaSource(),
      "rootload-java.properties": javaServerProperties(ctx, extra),
      "java.security": ctx.config.legacyCompat ? LEGACY_SECURITY : "# rendered by rootload\n",
      "start-java.sh": START_SCRIPT,
    },
    argv: ["sh", ctx.file("start-java.sh"), ctx.dir, ctx.state(""), ...(classpath ? [classpath] : [])],
  };
}

/**
 * A JSSE server (Debian's OpenJDK 17): the stack under Tomcat, Jetty, Kafka and Spring.
 * getAcceptedIssuers() decides the advertised list, PKIX over the whole store verifies.
 */
export const javaDriver = defineDriver({
  name: "java",
  binary: { name: "java", pkg: "openjdk-17-jre-headless" },
  packages: { openjdk: "openjdk-17-jre-headless" },
  capabilities: {
    all: {
      "1.2": { supported: true, how: "(getAcceptedIssuers() = store; duplicates kept)" },
      "1.3": { supported: true, how: "(getAcceptedIssuers() = store; duplicates kept)" },
    },
    none: {
      "1.2": { supported: true, how: "(getAcceptedIssuers() empty)" },
      "1.3": { supported: true, how: "(getAcceptedIssuers() empty; extension omitted)" },
    },
    "truncate-bytes": {
      "1.2": { supported: true, how: "(getAcceptedIssuers() = prefix, PKIX over the store)" },
      "1.3": { supported: true, how: "(getAcceptedIssuers() = prefix, PKIX over the store)" },
    },
    explicit: {
      "1.2": { supported: true, how: "(file order kept)" },
      "1.3": { supported: true, how: "(file order kept)" },
    },
  },
  limits: {
    "1.2": "all names up to 65,535 bytes; from 65,536: internal_error (Field length overflow)",
    // The figure depends on the build (harness/check/limits.ts has one entry per version measured).
    "1.3":
      "all names up to 65,453 bytes on OpenJDK 17.0.15, 65,463 on 17.0.21.1 (the 16-bit extensions block less signature_algorithms and signature_algorithms_cert, which differ by build); one byte more: internal_error; once the raw DER subjects exceed 65,535 bytes the extension is silently omitted and the handshake goes on",
  },
  legacy: {
    supported: true,
    how: "(java.security disabledAlgorithms without TLSv1/TLSv1.1; TLS_RSA_WITH_AES_*_CBC_SHA enabled)",
  },
  notes: [
    "Keeps file order and duplicate subjects (one name per certificate). Reload = a new SSLContext inside the running JVM on SIGHUP.",
    "Over the limit the server logs `SSLProtocolException: Field length overflow, the field length (N) should be less than 65536`.",
  ],
  ready: /rootload java server listening/,
  // Compile, then a JVM: 60 s was not enough for a first start at load 20 on 2 cores.
  readyTimeoutMs: 120_000,
  reload: {
    kind: "command",
    argv: (ctx) => signalFromPidFile("SIGHUP", ctx.state("java.pid")),
    done: /rootload java server reloaded/,
    failed: /rootload java server reload failed/,
  },
  render: (ctx) => javaServerRender(ctx),
  versionsFromLog: (output): Record<string, string> => {
    const m = /listening java=(\S+)/.exec(output);
    return m ? { java: m[1]! } : {};
  },
});
