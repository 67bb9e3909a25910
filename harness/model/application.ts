import type { ClientName } from "./names.ts";
import type { StartTlsProtocol } from "./starttls.ts";

/**
 * What a client says once its handshake is done, so that it meets the server's own protocol
 * rather than breaking it: `http`, a GET (web servers: nginx, Apache, HAProxy, s_server -www,
 * gnutls-serv --http, Caddy, lighttpd, the node and java drivers); `postgres`, the StartupMessage;
 * `mysql`, the login; `smtp`/`imap`/`ldap`, what the client itself does after its STARTTLS (curl's
 * HELP/NOOP, Python's NOOP); `none`, nothing: only the server's verdict on the certificate is
 * listened for (raw TLS servers such as stunnel in front of cat, a broker, a key-value store).
 * A request the server does not speak makes it close, and that close is not about the CA list.
 */
export const APPLICATION_PROTOCOLS = ["http", "postgres", "mysql", "smtp", "imap", "ldap", "none"] as const;
export type ApplicationProtocol = (typeof APPLICATION_PROTOCOLS)[number];

export function isApplicationProtocol(s: string): s is ApplicationProtocol {
  return (APPLICATION_PROTOCOLS as readonly string[]).includes(s);
}

/** A server's protocol when it does not say: its STARTTLS protocol's, else HTTP. */
export function defaultApplication(starttls: StartTlsProtocol | undefined): ApplicationProtocol {
  return starttls ?? "http";
}

/**
 * The steps each client can take after its handshake. A client meets a server's protocol with that
 * protocol's step when it has it, else with `none` when it can stay silent; a client with neither
 * (curl speaks HTTP, SMTP and IMAP only) cannot be run against that server.
 * - node: logs in on PostgreSQL and MariaDB (the certificate is judged there); silent otherwise.
 * - openssl (s_client), gnutls (gnutls-cli), forge: never send application data.
 * - java, go, mbedtls, wolfssl, rustls, erlang, bouncycastle: a GET to web servers; silent to the
 *   others.
 * - python: a GET; NOOP after SMTP or IMAP STARTTLS (smtplib, imaplib); silent to the others.
 * - curl: a GET; HELP / NOOP after its own SMTP / IMAP STARTTLS.
 */
export const CLIENT_APPLICATION_STEPS: Record<ClientName, readonly ApplicationProtocol[]> = {
  node: ["postgres", "mysql", "none"],
  forge: ["none"],
  openssl: ["none"],
  gnutls: ["none"],
  java: ["http", "none"],
  go: ["http", "none"],
  python: ["http", "smtp", "imap", "none"],
  curl: ["http", "smtp", "imap"],
  mbedtls: ["http", "none"],
  wolfssl: ["http", "none"],
  rustls: ["http", "none"],
  erlang: ["http", "none"],
  bouncycastle: ["http", "none"],
};

/**
 * What `client` does after its handshake with a server that speaks `server`: that protocol's own
 * step, `none`, or undefined when it cannot meet it (the case is then `client-unavailable`).
 */
export function applicationStep(
  client: ClientName,
  server: ApplicationProtocol,
): ApplicationProtocol | undefined {
  const steps = CLIENT_APPLICATION_STEPS[client];
  if (steps.includes(server)) return server;
  return steps.includes("none") ? "none" : undefined;
}
