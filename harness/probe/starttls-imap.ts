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

export const IMAP_CAPABILITY = Buffer.from("a1 CAPABILITY\r\n");
export const IMAP_STARTTLS = Buffer.from("a2 STARTTLS\r\n");

/** The lines of one command's answer: untagged `*` lines, then the tagged status (RFC 9051 §7.1). */
export interface ImapAnswer {
  untagged: string[];
  status: "OK" | "NO" | "BAD";
  /** The tagged line after its status word. */
  text: string;
}

/**
 * Read the answer to the command tagged `tag` from the start of `buf` (or, with `tag` undefined,
 * the greeting: one untagged line). `more` until the tagged line is in; an error text for a line
 * that is neither untagged, tagged with `tag`, nor a well-formed status.
 */
export function readImapAnswer(
  buf: Buffer,
  tag: string | undefined,
):
  | { kind: "more" }
  | { kind: "greeting"; status: "OK" | "PREAUTH" | "BYE"; text: string; after: number }
  | { kind: "answer"; answer: ImapAnswer; after: number }
  | { kind: "bad"; detail: string } {
  const { lines, ends, overlong } = splitLines(buf);
  const untagged: string[] = [];
  for (const [i, line] of lines.entries()) {
    const after = buf.length - ends[i]!;
    if (tag === undefined) {
      const m = /^\* (OK|PREAUTH|BYE)(?: (.*))?$/i.exec(line);
      if (!m)
        return { kind: "bad", detail: `${quoteLine(line)}, not an IMAP greeting (* OK, * PREAUTH or * BYE)` };
      return { kind: "greeting", status: m[1]!.toUpperCase() as "OK", text: m[2] ?? "", after };
    }
    if (line.startsWith("* ")) {
      untagged.push(line.slice(2));
      continue;
    }
    const m = new RegExp(`^${tag} (OK|NO|BAD)(?: (.*))?$`, "i").exec(line);
    if (!m)
      return { kind: "bad", detail: `${quoteLine(line)}, neither untagged nor tagged ${tag} OK/NO/BAD` };
    return {
      kind: "answer",
      answer: { untagged, status: m[1]!.toUpperCase() as "OK", text: m[2] ?? "" },
      after,
    };
  }
  if (overlong) return { kind: "bad", detail: `a line longer than ${MAX_LINE_BYTES} bytes` };
  // An unfinished line that can no longer start as "* " or "<tag> " is garbage now (a TLS alert,
  // an HTTP answer): waiting for its line feed would turn it into a timeout.
  const tail = buf.subarray(ends.at(-1) ?? 0).toString("latin1");
  const starts = tag === undefined ? ["* "] : ["* ", `${tag} `];
  if (!starts.some((s) => (tail.length <= s.length ? s.startsWith(tail) : tail.startsWith(s))))
    return { kind: "bad", detail: `${quoteLine(tail)}, not the start of an IMAP response line` };
  return { kind: "more" };
}

/** The capability atoms of `CAPABILITY a b c` untagged lines and `[CAPABILITY a b c]` codes, upper-cased. */
export function imapCapabilities(lines: readonly string[]): string[] {
  const caps: string[] = [];
  for (const l of lines) {
    const m = /^CAPABILITY (.*)$/i.exec(l) ?? /\[CAPABILITY ([^\]]*)\]/i.exec(l);
    if (m)
      caps.push(
        ...m[1]!
          .trim()
          .split(/\s+/)
          .map((c) => c.toUpperCase()),
      );
  }
  return caps;
}

/**
 * RFC 9051 §6.2.1 / RFC 3501 §6.2.1: greeting, `CAPABILITY` (STARTTLS must be listed), `STARTTLS`,
 * and TLS only on its tagged OK with nothing after it (bytes before the handshake would be read as
 * if they came under TLS: the STARTTLS injection class, CVE-2021-33515).
 */
export function imapDialogue(): Dialogue {
  let stage: "greeting" | "capability" | "starttls" = "greeting";
  const asked = {
    greeting: "the IMAP greeting",
    capability: "IMAP CAPABILITY",
    starttls: "the IMAP STARTTLS command",
  };
  const tags = { greeting: undefined, capability: "a1", starttls: "a2" };
  return {
    get asked() {
      return asked[stage];
    },
    read(received): Step {
      const r = readImapAnswer(received, tags[stage]);
      if (r.kind === "more") return more;
      if (r.kind === "bad") return garbage(`server answered ${asked[stage]} with ${r.detail}`);
      if (r.after > 0)
        return garbage(
          `server sent ${r.after} bytes after its answer to ${asked[stage]}, before the client spoke`,
        );
      if (r.kind === "greeting") {
        // PREAUTH: already authenticated, where STARTTLS is not allowed; BYE: the server is closing.
        if (r.status !== "OK") return refused(`server greeted with ${quoteLine(`* ${r.status} ${r.text}`)}`);
        stage = "capability";
        return { kind: "send", data: IMAP_CAPABILITY };
      }
      const a = r.answer;
      if (stage === "capability") {
        if (a.status !== "OK")
          return refused(`server answered CAPABILITY with ${quoteLine(`${a.status} ${a.text}`)}`);
        const caps = imapCapabilities([...a.untagged, a.text]);
        if (!caps.includes("STARTTLS"))
          return refused(`server's CAPABILITY lists no STARTTLS (${caps.join(" ") || "nothing"})`);
        stage = "starttls";
        return { kind: "send", data: IMAP_STARTTLS };
      }
      if (a.status !== "OK")
        return refused(`server answered STARTTLS with ${quoteLine(`${a.status} ${a.text}`)}`);
      return { kind: "tls" };
    },
  };
}
