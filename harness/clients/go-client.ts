import { alertName, type Outcome } from "../model/outcome.ts";
import type { Availability, Runtime } from "../runtime/runtime.ts";
import { CLIENT_SOURCES, goClientBinary, IMAGE_PATHS, sourceHash } from "./client-builds.ts";
import type { LoopProgram } from "./loop-client.ts";

/** Image label carrying the source hash of the Go client copied into the image. */
export const GO_CLIENT_LABEL = "rootload-go-client";

/** crypto/tls's alert texts (alert.go) → IANA names. */
const GO_ALERTS: Record<string, number> = {
  "close notify": 0,
  "unexpected message": 10,
  "bad record MAC": 20,
  "decryption failed": 21,
  "record overflow": 22,
  "decompression failure": 30,
  "handshake failure": 40,
  "bad certificate": 42,
  "unsupported certificate": 43,
  "revoked certificate": 44,
  "expired certificate": 45,
  "unknown certificate": 46,
  "illegal parameter": 47,
  "unknown certificate authority": 48,
  "access denied": 49,
  "error decoding message": 50,
  "error decrypting message": 51,
  "protocol version not supported": 70,
  "insufficient security level": 71,
  "internal error": 80,
  "inappropriate fallback": 86,
  "user canceled": 90,
  "no renegotiation": 100,
  "missing extension": 109,
  "unsupported extension": 110,
  "unrecognized name": 112,
  "unknown PSK identity": 115,
  "certificate required": 116,
  "no application protocol": 120,
};

/**
 * crypto/tls's error text → an outcome: "remote error: tls: X" is an alert received; "tls:
 * handshake message of length 65569 bytes exceeds maximum of 65536 bytes" is Go refusing the message.
 */
export function goOutcome(detail: string): Outcome {
  if (/handshake message of length \d+ bytes exceeds maximum of \d+ bytes/.test(detail))
    return { class: "excessive-size", detail, side: "client" };
  const remote = /remote error: tls: ([A-Za-z ]+)/.exec(detail);
  if (remote) {
    const code = GO_ALERTS[remote[1]!.trim()];
    return {
      class: "server-alert",
      alert: code === undefined ? remote[1]!.trim().replace(/ /g, "_") : alertName(code),
      detail,
    };
  }
  if (/connection refused/i.test(detail)) return { class: "server-error", detail };
  if (/i\/o timeout|deadline exceeded/i.test(detail)) return { class: "timeout", detail };
  if (/\bEOF\b|connection reset|broken pipe|closed by the server/i.test(detail))
    return { class: "reset", detail };
  return { class: "malformed", detail };
}

async function goAvailability(rt: Runtime): Promise<Availability> {
  if (rt.kind === "container") {
    const want = sourceHash(CLIENT_SOURCES.go);
    const have = (await rt.packageVersions([GO_CLIENT_LABEL]))[GO_CLIENT_LABEL];
    if (have !== want)
      return {
        ok: false,
        reason: `the image's Go client is ${have ?? "missing"}, the source is ${want}; rebuild: npm run images`,
      };
    return { ok: true };
  }
  const go = await rt.hasBinary("go", "golang-go");
  if (!go.ok) return go;
  await goClientBinary(); // built once per source hash; a failure reads as unavailable
  return { ok: true };
}

/** Go crypto/tls (Debian's golang), certificate chosen as Go's default does (SupportsCertificate over AcceptableCAs). */
export const goProgram: LoopProgram = {
  availability: goAvailability,
  async argv(rt, port) {
    return [rt.kind === "container" ? IMAGE_PATHS.goBinary : await goClientBinary(), String(port)];
  },
  ready: /rootload-go-client ready on \d+ \((.*)\)/,
  classify: goOutcome,
  reportsSelection: true,
};
