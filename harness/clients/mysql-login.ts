import { MYSQL_SSL_REQUEST } from "../probe/starttls-mysql.ts";

/**
 * The first MySQL/MariaDB packets after TLS: the client's HandshakeResponse (the login) and the
 * server's verdict on it. With `REQUIRE X509` the client certificate is judged here, after the
 * handshake (MariaDB lets a client without a certificate complete TLS), so a client has to log in.
 */

/**
 * HandshakeResponse41 (MySQL "Protocol::HandshakeResponse41"), sequence id 2 (after the greeting
 * and the SSLRequest): the SSLRequest's own 32 bytes (the same capability flags, which include
 * CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA and CLIENT_CONNECT_ATTRS), the user name, an empty auth
 * response (the account has no password: the certificate is the credential), the auth plugin's
 * name, and no connection attributes.
 */
export function mysqlLoginPacket(user: string): Buffer {
  const payload = Buffer.concat([
    MYSQL_SSL_REQUEST.subarray(4),
    Buffer.from(`${user}\0`, "utf8"),
    Buffer.from([0]),
    Buffer.from("mysql_native_password\0", "latin1"),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(4);
  head.writeUIntLE(payload.length, 0, 3);
  head[3] = 2;
  return Buffer.concat([head, payload]);
}

export type MysqlVerdict =
  | { kind: "more" }
  | { kind: "accepted"; detail: string }
  | { kind: "rejected"; detail: string }
  | { kind: "malformed"; detail: string };

/** The server's answer to the login: OK_Packet (in), ERR_Packet (refused, with its words), or an auth switch. */
export function mysqlVerdict(received: Buffer): MysqlVerdict {
  if (received.length < 4) return { kind: "more" };
  const len = received.readUIntLE(0, 3);
  if (len === 0 || len > 1 << 20)
    return { kind: "malformed", detail: `a packet of ${len} bytes after the login` };
  if (received.length < 4 + len) return { kind: "more" };
  const p = received.subarray(4, 4 + len);
  if (p[0] === 0x00) return { kind: "accepted", detail: "OK packet: logged in" };
  if (p[0] === 0xff) {
    const code = p.length >= 3 ? p.readUInt16LE(1) : -1;
    // ERR_Packet after the handshake: int<2> code, '#', 5-byte SQL state, message.
    const state = p[3] === 0x23 ? p.subarray(4, 9).toString("latin1") : "";
    const msg = p.subarray(p[3] === 0x23 ? 9 : 3).toString("utf8");
    return { kind: "rejected", detail: `ERR ${code}${state ? ` (${state})` : ""}: ${msg}` };
  }
  // AuthSwitchRequest: the server wants another method, i.e. more than the certificate.
  if (p[0] === 0xfe)
    return {
      kind: "rejected",
      detail: `server asked to switch to authentication method ${p.subarray(1, p.indexOf(0, 1) > 0 ? p.indexOf(0, 1) : p.length).toString("latin1")}`,
    };
  return {
    kind: "malformed",
    detail: `unexpected first byte 0x${p[0]!.toString(16)} in the answer to the login`,
  };
}
