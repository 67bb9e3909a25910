import { constants } from "node:fs";
import { access, cp } from "node:fs/promises";
import path from "node:path";
import type { Outcome } from "../model/outcome.ts";
import type { Availability, Runtime } from "../runtime/runtime.ts";
import { BC_JARS, BC_MAIN, bcClientClasses } from "./client-builds.ts";
import { JAVA_PACKAGE, javaOutcome } from "./java-client.ts";
import type { LoopProgram } from "./loop-client.ts";

/** Debian packages of the BouncyCastle client: the TLS/JSSE jar and the provider (bcutil comes with bctls). */
export const BC_PACKAGES = { tls: "libbctls-java", prov: "libbcprov-java" } as const;

/**
 * BCJSSE's failure text → an outcome. Received alerts are `TlsFatalAlertReceived: certificate_required(116)`;
 * its own refusals `TlsFatalAlert: X(n)` with the cause, the size check among them (TlsProtocol:
 * "Handshake message length exceeds the maximum: N").
 */
export function bcOutcome(detail: string): Outcome {
  if (/exceeds the maximum|Handshake message length exceeds/i.test(detail))
    return { class: "excessive-size", detail, side: "client" };
  const received = /TlsFatalAlertReceived: ([a-z_0-9]+)\(\d+\)/.exec(detail);
  if (received) return { class: "server-alert", alert: received[1]!, detail };
  const own = /TlsFatalAlert: ([a-z_0-9]+)\(\d+\)/.exec(detail);
  if (own) return { class: "malformed", detail, side: "client" };
  return javaOutcome(detail);
}

async function bcAvailability(rt: Runtime): Promise<Availability> {
  const java = await rt.hasBinary("java", JAVA_PACKAGE);
  if (!java.ok) return java;
  if (rt.kind === "container") {
    for (const pkg of Object.values(BC_PACKAGES)) {
      const has = await rt.hasBinary("java", pkg);
      if (!has.ok) return has;
    }
  } else {
    for (const jar of BC_JARS) {
      const ok = await access(jar, constants.R_OK).then(
        () => true,
        () => false,
      );
      if (!ok)
        return {
          ok: false,
          reason: `${jar} is not installed on this host (Debian packages ${Object.values(BC_PACKAGES).join(", ")})`,
        };
    }
  }
  await bcClientClasses(); // compiled on this host once per source hash; a failure reads as unavailable
  return { ok: true };
}

/**
 * BouncyCastle JSSE (Debian's bctls/bcprov 1.72) on the JRE: BCJSSE's own key manager, which picks
 * the client certificate by the advertised issuers, and JSSE system properties per client entry
 * (BCJSSE reads `jdk.tls.maxHandshakeMessageSize` too). One JVM per option set.
 */
export const bouncycastleProgram: LoopProgram = {
  availability: bcAvailability,
  async argv(rt, port, spec, dir) {
    let classes = await bcClientClasses();
    if (rt.kind === "container") {
      // Compiled here, run there: the image has the same JRE 17 and BC jars.
      await cp(classes, path.join(dir, "classes"), { recursive: true });
      classes = path.join(dir, "classes");
    }
    const props = Object.entries(spec.properties).map(([k, v]) => `-D${k}=${v}`);
    return [
      "java",
      "-XX:+UseSerialGC",
      "-XX:-UsePerfData",
      ...props,
      "-cp",
      [classes, ...BC_JARS].join(":"),
      BC_MAIN,
      String(port),
    ];
  },
  ready: /rootload-bouncycastle-client ready on \d+ \((.*)\)/,
  classify: bcOutcome,
  reportsSelection: true,
};
