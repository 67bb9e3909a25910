/**
 * One rule for "nothing was there to talk to": a refused or unreachable connection is an
 * infrastructure failure (`server-error`), not the server's reaction to the handshake. Every
 * client and the probe classify with this, so they cannot disagree on it.
 */

/** Node.js socket error codes that mean no server was reached. */
const NO_SERVER_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
]);

/** The same, as command-line clients print it (s_client's errno=111, gnutls-cli's messages). */
const NO_SERVER_TEXT = /ECONNREFUSED|errno=111|Connection refused|Could not connect/i;

/** True when an error code or a client's output says no server accepted the connection. */
export function isNoServer(code?: string, text = ""): boolean {
  return (code !== undefined && NO_SERVER_CODES.has(code)) || NO_SERVER_TEXT.test(text);
}
