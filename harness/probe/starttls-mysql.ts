import { type Dialogue, garbage, more, quoteLine, refused, type Step } from "./starttls-dialogue.ts";

/**
 * The MySQL/MariaDB client/server protocol before TLS (MySQL "Connection Phase"; MariaDB
 * "Connection"): the server speaks first with an Initial Handshake packet; a client that wants TLS
 * answers with an SSLRequest (a HandshakeResponse cut after its fixed 32 bytes, CLIENT_SSL set)
 * and starts the TLS handshake at once, without waiting for an answer.
 */

/** CLIENT_SSL (0x800): the server's greeting offers TLS; the client's SSLRequest asks for it. */
export const CLIENT_SSL = 0x0800;
/** CLIENT_PROTOCOL_41 (0x200): the 4.1 packet formats, which every server since 4.1 speaks. */
export const CLIENT_PROTOCOL_41 = 0x0200;

/**
 * The SSLRequest as `openssl s_client -starttls mysql` sends it (apps/s_client.c, `ssl_req`):
 * header (payload length 32, sequence id 1), capability flags 0x007fae85 (CLIENT_SSL,
 * CLIENT_PROTOCOL_41, CLIENT_SECURE_CONNECTION, CLIENT_PLUGIN_AUTH among them), max packet size
 * 16 MiB, character set 0x21 (utf8_general_ci), 23 reserved zero bytes.
 */
export const MYSQL_SSL_REQUEST = Buffer.concat([
  Buffer.from([0x20, 0x00, 0x00, 0x01, 0x85, 0xae, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x01, 0x21]),
  Buffer.alloc(23),
]);

/** Largest greeting accepted: real ones are ~100 bytes (version string, 20 bytes of scramble, a plugin name). */
export const MAX_GREETING_BYTES = 1_024;

/** What the probe reads from the server's Initial Handshake packet (protocol version 10). */
export interface MysqlGreeting {
  serverVersion: string;
  connectionId: number;
  /** Lower and (when present) upper 16 bits of the capability flags. */
  capabilities: number;
}

/**
 * Read the first packet from the start of `buf`: `more` until its 4-byte header and the payload it
 * declares are in; the greeting and the bytes after it; an ERR packet's code and message (a server
 * that refuses the host, or has too many connections, says so here); or an error text.
 */
export function readMysqlGreeting(
  buf: Buffer,
):
  | { kind: "more" }
  | { kind: "greeting"; greeting: MysqlGreeting; after: number }
  | { kind: "error"; code: number; message: string }
  | { kind: "bad"; detail: string } {
  if (buf.length < 4) {
    // A TLS record or an HTTP answer shows in the first bytes as a length no greeting has.
    if (buf.length >= 3 && buf.readUIntLE(0, 3) > MAX_GREETING_BYTES)
      return { kind: "bad", detail: `a first packet of ${buf.readUIntLE(0, 3)} bytes${firstBytes(buf)}` };
    return { kind: "more" };
  }
  const length = buf.readUIntLE(0, 3);
  const seq = buf[3]!;
  if (length === 0 || length > MAX_GREETING_BYTES)
    return { kind: "bad", detail: `a first packet of ${length} bytes${firstBytes(buf)}` };
  if (seq !== 0)
    return { kind: "bad", detail: `a first packet with sequence id ${seq}, not 0${firstBytes(buf)}` };
  if (buf.length < 4 + length) return { kind: "more" };
  const p = buf.subarray(4, 4 + length);
  const after = buf.length - 4 - length;
  if (p[0] === 0xff) {
    // ERR_Packet: 0xff, int<2> error code, then the message (no SQL state before the handshake).
    const code = p.length >= 3 ? p.readUInt16LE(1) : -1;
    let text = p.subarray(3).toString("utf8");
    if (text.startsWith("#") && text.length >= 6) text = text.slice(6);
    return { kind: "error", code, message: text };
  }
  if (p[0] !== 10)
    return { kind: "bad", detail: `a greeting with protocol version ${p[0]}, not 10${firstBytes(buf)}` };
  const nul = p.indexOf(0, 1);
  // version\0, connection id (4), scramble part 1 (8), filler (1), capability flags lower (2).
  if (nul < 0 || nul + 1 + 4 + 8 + 1 + 2 > p.length)
    return { kind: "bad", detail: `a greeting of ${length} bytes cut before its capability flags` };
  const serverVersion = p.subarray(1, nul).toString("latin1");
  let at = nul + 1;
  const connectionId = p.readUInt32LE(at);
  at += 4 + 8;
  if (p[at] !== 0)
    return { kind: "bad", detail: `a greeting whose filler after the scramble is ${p[at]}, not 0` };
  at += 1;
  let capabilities = p.readUInt16LE(at);
  at += 2;
  // Character set (1), status flags (2), capability flags upper (2): present in every 4.1+ greeting.
  if (at + 5 <= p.length) capabilities |= p.readUInt16LE(at + 3) << 16;
  return {
    kind: "greeting",
    greeting: { serverVersion, connectionId, capabilities: capabilities >>> 0 },
    after,
  };
}

function firstBytes(buf: Buffer): string {
  return ` (first bytes ${buf.subarray(0, 8).toString("hex")}: ${quoteLine(buf.subarray(0, 16).toString("latin1"))})`;
}

/**
 * Wait for the greeting; TLS only when it offers CLIENT_SSL and nothing follows it (bytes the
 * server sends before our ClientHello would be read as if they came under TLS); then send the
 * SSLRequest and start the handshake with no answer to wait for.
 */
export function mysqlDialogue(): Dialogue {
  return {
    asked: "the MySQL greeting",
    read(received): Step {
      const r = readMysqlGreeting(received);
      if (r.kind === "more") return more;
      if (r.kind === "bad") return garbage(`server answered the connection with ${r.detail}`);
      if (r.kind === "error")
        return refused(`server refused the connection with MySQL error ${r.code}: ${quoteLine(r.message)}`);
      const g = r.greeting;
      if (r.after > 0)
        return garbage(`server sent ${r.after} bytes after its MySQL greeting, before the client spoke`);
      if (!(g.capabilities & CLIENT_PROTOCOL_41))
        return refused(
          `server ${quoteLine(g.serverVersion)} does not speak the 4.1 protocol (no CLIENT_PROTOCOL_41)`,
        );
      if (!(g.capabilities & CLIENT_SSL))
        return refused(
          `server ${quoteLine(g.serverVersion)} offers no TLS (CLIENT_SSL not in its capabilities 0x${g.capabilities.toString(16)})`,
        );
      return { kind: "tls", send: MYSQL_SSL_REQUEST };
    },
  };
}
