import { children, DerError, readTlv } from "../roots/der.ts";
import { type Dialogue, garbage, more, quoteLine, refused, type Step } from "./starttls-dialogue.ts";

/** The StartTLS extended operation (RFC 4511 §4.14.1). */
export const LDAP_STARTTLS_OID = "1.3.6.1.4.1.1466.20037";
/** The unsolicited Notice of Disconnection (RFC 4511 §4.4.1): the server is closing. */
const NOTICE_OF_DISCONNECTION_OID = "1.3.6.1.4.1.1466.20036";

/**
 * LDAPMessage { messageID 1, protocolOp ExtendedRequest [APPLICATION 23] { requestName [0] OID } },
 * written out by hand: SEQUENCE (0x30, 29 bytes) { INTEGER 1; [APPLICATION 23] constructed (0x77,
 * 24 bytes) { [0] primitive (0x80, 22 bytes) "1.3.6.1.4.1.1466.20037" } }.
 */
export const LDAP_STARTTLS_REQUEST = Buffer.concat([
  Buffer.from([0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16]),
  Buffer.from(LDAP_STARTTLS_OID, "latin1"),
]);

/** resultCode names (RFC 4511 §4.1.9 and Appendix A), for the details. */
const RESULT_CODES: Record<number, string> = {
  0: "success",
  1: "operationsError",
  2: "protocolError",
  3: "timeLimitExceeded",
  7: "authMethodNotSupported",
  8: "strongerAuthRequired",
  11: "adminLimitExceeded",
  12: "unavailableCriticalExtension",
  13: "confidentialityRequired",
  49: "invalidCredentials",
  50: "insufficientAccessRights",
  51: "busy",
  52: "unavailable",
  53: "unwillingToPerform",
  80: "other",
};

/** An ExtendedResponse's fields the dialogue judges (RFC 4511 §4.12, §4.1.9). */
export interface LdapExtendedResponse {
  messageId: number;
  resultCode: number;
  diagnosticMessage: string;
  responseName?: string;
}

/** A non-negative INTEGER / ENUMERATED content of at most 4 bytes. */
function smallInt(buf: Uint8Array, start: number, end: number, what: string): number {
  if (end - start < 1 || end - start > 4) throw new DerError(`${what}: ${end - start} content bytes`);
  if (buf[start]! & 0x80) throw new DerError(`${what} is negative`);
  let v = 0;
  for (let i = start; i < end; i++) v = v * 256 + buf[i]!;
  return v;
}

/**
 * Read one LDAPMessage from the start of `buf`: `more` until all the bytes its BER length declares
 * are in; the ExtendedResponse inside and the number of bytes after it; or an error text. LDAP
 * allows only the definite length forms (RFC 4511 §5.1).
 */
export function readLdapExtendedResponse(
  buf: Buffer,
):
  | { kind: "more" }
  | { kind: "response"; response: LdapExtendedResponse; after: number }
  | { kind: "bad"; detail: string } {
  if (buf.length === 0) return { kind: "more" };
  if (buf[0] !== 0x30)
    return {
      kind: "bad",
      detail: `${quoteLine(buf.subarray(0, 16).toString("latin1"))} (first byte 0x${buf[0]!.toString(16).padStart(2, "0")}), not an LDAPMessage SEQUENCE (0x30)`,
    };
  if (buf.length < 2) return { kind: "more" };
  const first = buf[1]!;
  if (first === 0x80)
    return { kind: "bad", detail: "an indefinite BER length, which LDAP forbids (RFC 4511 §5.1)" };
  const lengthBytes = first & 0x80 ? first & 0x7f : 0;
  if (lengthBytes > 4) return { kind: "bad", detail: `a BER length of ${lengthBytes} bytes` };
  if (buf.length < 2 + lengthBytes) return { kind: "more" };
  let length = first & 0x80 ? 0 : first;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + buf[2 + i]!;
  const total = 2 + lengthBytes + length;
  if (buf.length < total) return { kind: "more" };
  try {
    const message = readTlv(buf, 0, total);
    const [id, op] = children(buf, message);
    if (id?.tag !== 0x02) throw new DerError("LDAPMessage without a messageID INTEGER");
    const messageId = smallInt(buf, id!.contentStart, id!.end, "messageID");
    if (op?.tag !== 0x78)
      throw new DerError(
        `protocolOp ${op ? `tag 0x${op.tag.toString(16)}` : "missing"}, not an ExtendedResponse ([APPLICATION 24], 0x78)`,
      );
    const fields = children(buf, op!);
    const [code, matched, diagnostic] = fields;
    if (code?.tag !== 0x0a) throw new DerError("ExtendedResponse without a resultCode ENUMERATED");
    if (matched?.tag !== 0x04 || diagnostic?.tag !== 0x04)
      throw new DerError("ExtendedResponse without matchedDN and diagnosticMessage OCTET STRINGs");
    const name = fields.find((f) => f.tag === 0x8a);
    return {
      kind: "response",
      response: {
        messageId,
        resultCode: smallInt(buf, code!.contentStart, code!.end, "resultCode"),
        diagnosticMessage: buf.subarray(diagnostic!.contentStart, diagnostic!.end).toString("utf8"),
        // responseName is an LDAPOID: the dotted text itself, not a BER OID (RFC 4511 §4.1.2).
        ...(name ? { responseName: buf.subarray(name.contentStart, name.end).toString("latin1") } : {}),
      },
      after: buf.length - total,
    };
  } catch (err) {
    if (err instanceof DerError) return { kind: "bad", detail: `a broken ExtendedResponse: ${err.message}` };
    throw err;
  }
}

function describeCode(code: number): string {
  return `resultCode ${code}${RESULT_CODES[code] ? ` (${RESULT_CODES[code]})` : ""}`;
}

/**
 * RFC 4511 §4.14 / RFC 4513 §3: the StartTLS ExtendedRequest, and TLS only on its ExtendedResponse
 * with resultCode success (0) and nothing after it.
 */
export function ldapDialogue(): Dialogue {
  return {
    opening: LDAP_STARTTLS_REQUEST,
    asked: "the LDAP StartTLS request",
    read(received): Step {
      const r = readLdapExtendedResponse(received);
      if (r.kind === "more") return more;
      if (r.kind === "bad") return garbage(`server answered the LDAP StartTLS request with ${r.detail}`);
      const x = r.response;
      const said = x.diagnosticMessage ? `: ${quoteLine(x.diagnosticMessage)}` : "";
      if (x.messageId === 0 && x.responseName === NOTICE_OF_DISCONNECTION_OID)
        return refused(`server sent a Notice of Disconnection, ${describeCode(x.resultCode)}${said}`);
      if (x.messageId !== 1)
        return garbage(`server answered the StartTLS request (messageID 1) with messageID ${x.messageId}`);
      if (x.resultCode !== 0) return refused(`server refused StartTLS: ${describeCode(x.resultCode)}${said}`);
      if (x.responseName !== undefined && x.responseName !== LDAP_STARTTLS_OID)
        return garbage(`server's StartTLS success names the operation ${quoteLine(x.responseName)}`);
      if (r.after > 0) return garbage(`server sent ${r.after} bytes after its StartTLS success, before TLS`);
      return { kind: "tls" };
    },
  };
}
