import { type Dialogue, garbage, more, refused, type Step } from "./starttls-dialogue.ts";

/** PostgreSQL SSLRequest: Int32 length 8, Int32 code 80877103 (protocol.html, "SSL Session Encryption"). */
export const POSTGRES_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** The human-readable fields (S, C, M) of an ErrorResponse, as far as it was received. */
function postgresErrorText(msg: Buffer): string {
  const fields = msg
    .subarray(5)
    .toString("utf8")
    .split("\0")
    .filter((f) => /^[SCM]/.test(f))
    .map((f) => f.slice(1));
  return fields.join(" ") || "(unreadable)";
}

/** The SSLRequest and its one-byte answer. */
export function postgresDialogue(): Dialogue {
  return {
    opening: POSTGRES_SSL_REQUEST,
    asked: "the PostgreSQL SSLRequest",
    read(received): Step {
      const b = received[0];
      if (b === undefined) return more;
      // The server answers with exactly one byte. Bytes after 'S' before our ClientHello would be
      // read as if they came under TLS (CVE-2021-23214 class): a conforming server never sends them.
      if (b === 0x53)
        return received.length === 1
          ? { kind: "tls" }
          : garbage(`server sent ${received.length - 1} bytes after 'S' to the SSLRequest, before TLS`);
      if (b === 0x4e) return refused("server answered 'N' to the PostgreSQL SSLRequest (SSL not enabled)");
      if (b === 0x45)
        return refused(
          `server answered the SSLRequest with an ErrorResponse: ${postgresErrorText(received)}`,
        );
      return garbage(
        `server answered the PostgreSQL SSLRequest with 0x${b.toString(16).padStart(2, "0")}, not 'S' or 'N'`,
      );
    },
  };
}
