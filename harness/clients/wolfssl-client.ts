import { alertName, type Outcome } from "../model/outcome.ts";
import { cClientAvailability } from "./c-client.ts";
import { cClientBinary, IMAGE_PATHS } from "./client-builds.ts";
import type { LoopProgram } from "./loop-client.ts";

/**
 * The client's failure text → an outcome. It prints `wolfssl <code>: <wolfSSL_ERR_error_string_n>`
 * (error-ssl.h codes), with the alert received for FATAL_ERROR (-313). HANDSHAKE_SIZE_ERROR (-404,
 * "Handshake message too large") is wolfSSL refusing a message over its compiled MAX_HANDSHAKE_SZ.
 */
export function wolfsslOutcome(detail: string): Outcome {
  if (/^wolfssl -404\b|Handshake message too large/i.test(detail))
    return { class: "excessive-size", detail, side: "client" };
  const alert = /\(alert (\d+) received\)/.exec(detail);
  if (alert) return { class: "server-alert", alert: alertName(Number(alert[1])), detail };
  if (/rootload: connect to .*(refused|unreachable)/i.test(detail)) return { class: "server-error", detail };
  if (/rootload: timeout/.test(detail)) return { class: "timeout", detail };
  // -308 SOCKET_ERROR_E, -397 SOCKET_PEER_CLOSED_E, -313 without an alert level: the peer went away.
  if (/^wolfssl (-308|-397|-313)\b|closed by the server/i.test(detail)) return { class: "reset", detail };
  return { class: "malformed", detail };
}

/**
 * wolfSSL (Debian's libwolfssl 5.5): the configured certificate, sent whenever a certificate is
 * requested; the CA names it read are counted by a certificate setup callback.
 */
export const wolfsslProgram: LoopProgram = {
  availability: (rt) => cClientAvailability("wolfssl", rt),
  async argv(rt, port) {
    return [
      rt.kind === "container" ? IMAGE_PATHS.wolfsslBinary : await cClientBinary("wolfssl"),
      String(port),
    ];
  },
  ready: /rootload-wolfssl-client ready on \d+ \((.*)\)/,
  classify: wolfsslOutcome,
  reportsSelection: true,
};
