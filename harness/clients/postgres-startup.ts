/**
 * The first PostgreSQL messages after TLS: the client's StartupMessage and the server's verdict
 * on it. With `hostssl ... cert` the client certificate is judged here, after the handshake
 * (PostgreSQL lets a client without a certificate complete TLS), so a client has to ask.
 */

/** StartupMessage, protocol 3.0 (protocol-message-formats.html): Int32 len, Int32 196608, key\0value\0 pairs, \0. */
export function postgresStartupMessage(user: string, database: string): Buffer {
  const pairs = Buffer.from(`user\0${user}\0database\0${database}\0\0`, "utf8");
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + pairs.length, 0);
  head.writeInt32BE(196_608, 4);
  return Buffer.concat([head, pairs]);
}

export type PostgresVerdict =
  | { kind: "more" }
  | { kind: "accepted"; detail: string }
  | { kind: "rejected"; detail: string }
  | { kind: "malformed"; detail: string };

/** Read the server's first message: AuthenticationOk (or any other auth request) vs ErrorResponse. */
export function postgresVerdict(received: Buffer): PostgresVerdict {
  if (received.length < 5) return { kind: "more" };
  const type = String.fromCharCode(received[0]!);
  const len = received.readInt32BE(1);
  if (len < 4 || len > 1 << 20) return { kind: "malformed", detail: `message '${type}' with length ${len}` };
  if (received.length < 1 + len) return { kind: "more" };
  const body = received.subarray(5, 1 + len);
  if (type === "R") {
    const code = body.length >= 4 ? body.readInt32BE(0) : -1;
    // 0 = AuthenticationOk: the certificate (and its CN mapping) was accepted. Anything else asks
    // for a password, which for the harness's `cert` lines means the certificate was not enough.
    return code === 0
      ? { kind: "accepted", detail: "AuthenticationOk" }
      : { kind: "rejected", detail: `server asked for authentication method ${code}` };
  }
  if (type === "E") {
    const fields = body
      .toString("utf8")
      .split("\0")
      .filter((f) => /^[SCM]/.test(f))
      .map((f) => f.slice(1));
    return { kind: "rejected", detail: `ErrorResponse: ${fields.join(" ")}` };
  }
  return { kind: "malformed", detail: `unexpected first message '${type}' after StartupMessage` };
}
