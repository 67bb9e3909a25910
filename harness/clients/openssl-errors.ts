import { isNoServer } from "../model/no-server.ts";
import { alertName, type Outcome } from "../model/outcome.ts";

/**
 * Map OpenSSL's error text (node:tls error codes and messages, `openssl s_client` stderr) to the
 * outcome vocabulary. Order matters: a received alert is the most specific fact.
 */
export function classifyOpensslError(text: string, code?: string): Outcome {
  const detail = text.trim().split("\n").slice(-3).join(" | ").slice(0, 500);
  const num = /SSL alert number (\d+)/.exec(text);
  if (num) return { class: "server-alert", alert: alertName(Number(num[1])), detail };
  const fromCode = code && /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z0-9_]+)$/.exec(code);
  if (fromCode) return { class: "server-alert", alert: fromCode[1]!.toLowerCase(), detail };
  const fromText = /(?:sslv3|tlsv1|tlsv13) alert ([a-z0-9 ]+?)(?::|$|\n)/i.exec(text);
  if (fromText)
    return { class: "server-alert", alert: fromText[1]!.trim().replace(/ /g, "_").toLowerCase(), detail };
  const all = `${code ?? ""} ${text}`;
  if (/excessive message size|EXCESSIVE_MESSAGE_SIZE/i.test(all)) return { class: "excessive-size", detail };
  if (/ETIMEDOUT|timed? ?out/i.test(all)) return { class: "timeout", detail };
  if (isNoServer(code, all)) return { class: "server-error", detail };
  if (
    /ECONNRESET|errno=104|Connection reset|EPIPE|unexpected eof|socket hang up|disconnected before/i.test(all)
  )
    return { class: "reset", detail };
  if (
    /length mismatch|LENGTH_MISMATCH|bad length|decode|BAD_PACKET|record layer|wrong version|unexpected message/i.test(
      all,
    )
  )
    return { class: "malformed", detail };
  return { class: "malformed", detail: detail || "handshake failed without a message" };
}
