import type { Outcome } from "../model/outcome.ts";

/**
 * What a STARTTLS dialogue decides after each read: keep reading, send the next command (the
 * bytes read so far are then consumed), hand the socket to TLS (after sending `send`, for
 * protocols whose last request has no answer: MySQL's SSLRequest), or stop with a named outcome.
 */
export type Step =
  | { kind: "more" }
  | { kind: "send"; data: Buffer }
  | { kind: "tls"; send?: Buffer }
  | { kind: "refused"; outcome: Outcome };

/**
 * One connection's prelude, as a small state machine: what the client sends first (nothing when
 * the server speaks first), and a judge of the server's bytes received since the last send. Pure:
 * no socket, so captured bytes replay through it in unit tests.
 */
export interface Dialogue {
  /** Sent as soon as the connection is up; absent when the server speaks first (SMTP, IMAP). */
  readonly opening?: Buffer;
  /** What the peer is being asked now, for timeout and close messages ("the SMTP STARTTLS command"). */
  readonly asked: string;
  read(received: Buffer): Step;
}

export const more: Step = { kind: "more" };

/** The server said no (or is not ready for TLS): no CertificateRequest can follow. */
export function refused(detail: string): Step {
  return { kind: "refused", outcome: { class: "no-certificate-request", detail } };
}

/** The server sent something the protocol does not allow here. */
export function garbage(detail: string): Step {
  return { kind: "refused", outcome: { class: "malformed", detail } };
}

/** Longest line a text prelude accepts (SMTP's limit is 512, RFC 5321 §4.5.3.1.5; IMAP capability lines run longer). */
export const MAX_LINE_BYTES = 8_192;

/**
 * The complete lines of `buf` (ended by CRLF, or a bare LF that lenient servers send) without
 * their ends, the offset just past each, and whether a line, or the unfinished tail, is already
 * too long to be one.
 */
export function splitLines(buf: Buffer): { lines: string[]; ends: number[]; overlong: boolean } {
  const lines: string[] = [];
  const ends: number[] = [];
  let start = 0;
  let overlong = false;
  for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
    const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    if (end - start > MAX_LINE_BYTES) overlong = true;
    lines.push(buf.subarray(start, end).toString("latin1"));
    start = nl + 1;
    ends.push(start);
  }
  return { lines, ends, overlong: overlong || buf.length - start > MAX_LINE_BYTES };
}

/** A line as it may appear in a detail: printable, quoted, cut to 120 characters. */
export function quoteLine(line: string): string {
  const clean = line.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return `"${clean.length > 120 ? `${clean.slice(0, 117)}...` : clean}"`;
}
