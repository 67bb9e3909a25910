import { alertName, type Outcome } from "../model/outcome.ts";
import { cClientAvailability } from "./c-client.ts";
import { cClientBinary, IMAGE_PATHS } from "./client-builds.ts";
import type { LoopProgram } from "./loop-client.ts";

/**
 * The client's failure text → an outcome. It prints `mbedtls -0xNNNN: <mbedtls_strerror>` plus the
 * library's own first level-1 debug line, e.g. "-0x7080: SSL - The requested feature is not
 * available; TLS handshake fragmentation not supported": mbed TLS 2.28 reads a handshake message
 * only when it sits whole in one record (16,384 B, MBEDTLS_SSL_IN_CONTENT_LEN), so a
 * CertificateRequest spread over two records is refused by the client.
 */
export function mbedtlsOutcome(detail: string): Outcome {
  if (
    /handshake fragmentation not supported|buffer too small|bad message length|record too large/i.test(detail)
  )
    return { class: "excessive-size", detail, side: "client" };
  if (/built without TLS 1\.3/.test(detail)) return { class: "client-unavailable", detail, side: "client" };
  const alert = /fatal alert message was received from our peer \(alert (\d+)\)/.exec(detail);
  if (alert) return { class: "server-alert", alert: alertName(Number(alert[1])), detail };
  if (/-0x0044|Failed to connect/i.test(detail)) return { class: "server-error", detail };
  if (/-0x6800|timeout/i.test(detail)) return { class: "timeout", detail };
  if (
    /-0x7280|-0x004C|-0x0050|connection indicated an EOF|Connection was reset|closed by the server/i.test(
      detail,
    )
  )
    return { class: "reset", detail };
  return { class: "malformed", detail };
}

/**
 * mbed TLS (Debian's libmbedtls 2.28): one configured certificate, sent whenever a certificate is
 * requested; TLS 1.2 only (Debian builds it without the experimental TLS 1.3).
 */
export const mbedtlsProgram: LoopProgram = {
  availability: (rt) => cClientAvailability("mbedtls", rt),
  async argv(rt, port) {
    return [
      rt.kind === "container" ? IMAGE_PATHS.mbedtlsBinary : await cClientBinary("mbedtls"),
      String(port),
    ];
  },
  ready: /rootload-mbedtls-client ready on \d+ \((.*)\)/,
  classify: mbedtlsOutcome,
  reportsSelection: false,
};
