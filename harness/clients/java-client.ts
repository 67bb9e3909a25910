import { alertName, type Outcome } from "../model/outcome.ts";
import type { Availability, Runtime } from "../runtime/runtime.ts";
import { CLIENT_SOURCES, IMAGE_PATHS, JAVA_MAIN, javaClientClasses, sourceHash } from "./client-builds.ts";
import type { LoopProgram } from "./loop-client.ts";

/** Debian package of the JRE, in the image and on the host. */
export const JAVA_PACKAGE = "openjdk-17-jre-headless";
/** Image label carrying the source hash of the Java client compiled into the image. */
export const JAVA_CLIENT_LABEL = "rootload-java-client";

/**
 * JSSE's failure text → an outcome. JSSE names received alerts ("Received fatal alert:
 * certificate_required") and its own refusals, e.g. the size check of SSLSocketInputRecord: "The
 * size of the handshake message (54024) exceeds the maximum allowed size (32768)".
 */
export function javaOutcome(detail: string): Outcome {
  if (/The size of the handshake message \(\d+\) exceeds the maximum allowed size \(\d+\)/.test(detail))
    return { class: "excessive-size", detail, side: "client" };
  const alert = /Received fatal alert: ([a-z_0-9]+)/.exec(detail);
  if (alert) return { class: "server-alert", alert: alert[1]!, detail };
  const num = /alert(?: number)? \(?(\d+)\)?/.exec(detail);
  if (num && /Received/.test(detail))
    return { class: "server-alert", alert: alertName(Number(num[1])), detail };
  if (/Connection refused/i.test(detail)) return { class: "server-error", detail };
  if (/SocketTimeoutException|timed out/i.test(detail)) return { class: "timeout", detail };
  if (/Connection reset|Broken pipe|Remote host terminated|EOFException|closed by the server/i.test(detail))
    return { class: "reset", detail };
  return { class: "malformed", detail };
}

async function javaAvailability(rt: Runtime): Promise<Availability> {
  const java = await rt.hasBinary("java", JAVA_PACKAGE);
  if (!java.ok) return java;
  if (rt.kind === "container") {
    const want = sourceHash(CLIENT_SOURCES.java);
    const have = (await rt.packageVersions([JAVA_CLIENT_LABEL]))[JAVA_CLIENT_LABEL];
    if (have !== want)
      return {
        ok: false,
        reason: `the image's Java client is ${have ?? "missing"}, the source is ${want}; rebuild: npm run images`,
      };
    return { ok: true };
  }
  await javaClientClasses(); // compile once per source hash; a failure reads as unavailable
  return { ok: true };
}

/**
 * JSSE from Debian's OpenJDK 17: the platform's default key manager (which picks the client
 * certificate by the advertised issuers), the JDK's default limits, and JSSE system properties
 * per client entry (`-Djdk.tls.maxHandshakeMessageSize=65536`).
 */
export const javaProgram: LoopProgram = {
  availability: javaAvailability,
  async argv(rt, port, spec) {
    const classes = rt.kind === "container" ? IMAGE_PATHS.javaClasses : await javaClientClasses();
    const props = Object.entries(spec.properties).map(([k, v]) => `-D${k}=${v}`);
    // Serial GC: one collector thread on a 2-core machine shared with the server.
    return ["java", "-XX:+UseSerialGC", ...props, "-cp", classes, JAVA_MAIN, String(port)];
  },
  ready: /rootload-java-client ready on \d+ \((.*)\)/,
  classify: javaOutcome,
  reportsSelection: true,
};
