import {
  type Dialogue,
  garbage,
  MAX_LINE_BYTES,
  more,
  quoteLine,
  refused,
  type Step,
  splitLines,
} from "./starttls-dialogue.ts";

/** The name the client gives in EHLO (a reserved TLD: RFC 2606 §2). */
export const SMTP_EHLO = Buffer.from("EHLO rootload.invalid\r\n");
export const SMTP_STARTTLS = Buffer.from("STARTTLS\r\n");

/** One whole SMTP reply: its code and each line's text (RFC 5321 §4.2). */
export interface SmtpReply {
  code: number;
  texts: string[];
}

/**
 * Read one reply from the start of `buf`: `more` until its last line (`ddd` then a space or the
 * end of the line) is in, an error text when a line is not `ddd[ -]text` or the codes differ
 * (§4.2.1: every line of a multiline reply carries the same code), and the bytes after it.
 */
export function readSmtpReply(
  buf: Buffer,
): { kind: "more" } | { kind: "reply"; reply: SmtpReply; after: number } | { kind: "bad"; detail: string } {
  const { lines, ends, overlong } = splitLines(buf);
  const texts: string[] = [];
  let code: number | undefined;
  for (const [i, line] of lines.entries()) {
    const m = /^(\d{3})(?:([ -])(.*))?$/.exec(line);
    if (!m) return { kind: "bad", detail: `${quoteLine(line)}, not an SMTP reply line (ddd text)` };
    const c = Number(m[1]);
    if (code !== undefined && c !== code)
      return { kind: "bad", detail: `a multiline reply whose code changes from ${code} to ${c}` };
    code = c;
    texts.push(m[3] ?? "");
    if (m[2] !== "-") return { kind: "reply", reply: { code: c, texts }, after: buf.length - ends[i]! };
  }
  if (overlong) return { kind: "bad", detail: `a reply line longer than ${MAX_LINE_BYTES} bytes` };
  // An unfinished line that can no longer become `ddd[ -]text` (a TLS alert, an HTTP answer) is
  // garbage now: waiting for its line feed would turn it into a timeout.
  const tail = buf.subarray(ends.at(-1) ?? 0).toString("latin1");
  if (!/^(\d{0,3}|\d{3}[ -][^\r\n]*)\r?$/.test(tail))
    return { kind: "bad", detail: `${quoteLine(tail)}, not an SMTP reply line (ddd text)` };
  return { kind: "more" };
}

function show(r: SmtpReply): string {
  return quoteLine(`${r.code} ${r.texts.join(" / ")}`);
}

/**
 * RFC 3207: wait for the 220 greeting, EHLO, look for STARTTLS among the extensions, send
 * STARTTLS, and take TLS only on a 220 with nothing after it (bytes the server sends before the
 * handshake would be read as if they came under TLS: the STARTTLS injection class, CVE-2021-38371).
 */
export function smtpDialogue(): Dialogue {
  let stage: "greeting" | "ehlo" | "starttls" = "greeting";
  const asked = { greeting: "the SMTP greeting", ehlo: "SMTP EHLO", starttls: "the SMTP STARTTLS command" };
  return {
    get asked() {
      return asked[stage];
    },
    read(received): Step {
      const r = readSmtpReply(received);
      if (r.kind === "more") return more;
      if (r.kind === "bad") return garbage(`server answered ${asked[stage]} with ${r.detail}`);
      const { reply, after } = r;
      if (after > 0)
        return garbage(
          `server sent ${after} bytes after its ${reply.code} reply to ${asked[stage]}, before the client spoke`,
        );
      if (stage === "greeting") {
        if (reply.code !== 220) return refused(`server greeted with ${show(reply)}, not 220`);
        stage = "ehlo";
        return { kind: "send", data: SMTP_EHLO };
      }
      if (stage === "ehlo") {
        if (reply.code !== 250) return refused(`server answered EHLO with ${show(reply)}`);
        // The first line is the server's name; each further line starts with an extension keyword.
        const extensions = reply.texts.slice(1).map((t) => t.split(" ")[0]!.toUpperCase());
        if (!extensions.includes("STARTTLS"))
          return refused(
            `server's EHLO reply offers no STARTTLS (extensions: ${extensions.join(", ") || "none"})`,
          );
        stage = "starttls";
        return { kind: "send", data: SMTP_STARTTLS };
      }
      if (reply.code !== 220) return refused(`server answered STARTTLS with ${show(reply)}`);
      return { kind: "tls" };
    },
  };
}
