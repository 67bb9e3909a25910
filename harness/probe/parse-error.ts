/**
 * Typed parse errors, as data. The probe must tell a wrapped 16-bit length from truncation from
 * garbage, so every failure names the field, the RFC section and the numbers involved.
 */
export type ParseError =
  /** Fewer bytes than a fixed-size field or a declared length needs. */
  | { kind: "short-read"; field: string; rfc?: string; need: number; have: number }
  /**
   * A declared length that disagrees with the bytes present or with its RFC bounds.
   * `wrapped` is set when `present = declared + k × 65,536`: a 16-bit length that overflowed.
   */
  | {
      kind: "bad-length";
      field: string;
      rfc?: string;
      declared: number;
      present?: number;
      bounds?: string;
      wrapped?: boolean;
    }
  /** Bytes left over after a structure was fully read. */
  | { kind: "trailing-bytes"; field: string; rfc?: string; count: number }
  /** A handshake message or record type we did not expect at this point. */
  | { kind: "unexpected-message"; expected: string; got: string }
  /** An alert record that is not two bytes. */
  | { kind: "bad-alert"; length: number }
  /** A value outside what the field allows (a version, a cipher we did not offer, a bad DER name). */
  | { kind: "bad-value"; field: string; rfc?: string; value: string }
  /** A handshake message that declares more than the cap. */
  | { kind: "excessive-size"; field: string; declared: number; cap: number }
  /** AEAD open failed: keys disagree or the record was altered. */
  | { kind: "decrypt-failed"; field: string };

export type ParseErrorKind = ParseError["kind"];

/** Result of a parse: the value or the typed error. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ParseError };

/**
 * Thrown inside parsers and caught at each parser's boundary (`parsed()`), so the field code reads
 * like the RFC's struct instead of threading results through every line.
 */
export class ParseFailure extends Error {
  override readonly name = "ParseFailure";
  constructor(readonly error: ParseError) {
    super(describeParseError(error));
  }
}

/** Run a parser and turn a ParseFailure into data; anything else is a harness bug and propagates. */
export function parsed<T>(fn: () => T): Parsed<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof ParseFailure) return { ok: false, error: err.error };
    throw err;
  }
}

/** True when `present` bytes are what a 16-bit `declared` length would read after wrapping. */
export function isWrapped16(declared: number, present: number): boolean {
  return present > 0xffff && declared <= 0xffff && (present - declared) % 0x10000 === 0;
}

/** One line for logs, reports and `Outcome.detail`. */
export function describeParseError(e: ParseError): string {
  const at = (field: string, rfc?: string) => (rfc ? `${field} (${rfc})` : field);
  switch (e.kind) {
    case "short-read":
      return `short read: ${at(e.field, e.rfc)} needs ${e.need} bytes, ${e.have} present`;
    case "bad-length": {
      if (e.wrapped && e.present !== undefined) {
        const k = (e.present - e.declared) / 0x10000;
        return `wrapped length: ${at(e.field, e.rfc)} declares ${e.declared} bytes but ${e.present} follow (${e.declared} + ${k} × 65536)`;
      }
      if (e.present !== undefined)
        return `length mismatch: ${at(e.field, e.rfc)} declares ${e.declared} bytes, ${e.present} present`;
      return `bad length: ${at(e.field, e.rfc)} is ${e.declared}, allowed ${e.bounds ?? "?"}`;
    }
    case "trailing-bytes":
      return `trailing bytes: ${e.count} after ${at(e.field, e.rfc)}`;
    case "unexpected-message":
      return `unexpected message: expected ${e.expected}, got ${e.got}`;
    case "bad-alert":
      return `bad alert: ${e.length} bytes instead of 2`;
    case "bad-value":
      return `bad value: ${at(e.field, e.rfc)} = ${e.value}`;
    case "excessive-size":
      return `excessive size: ${e.field} declares ${e.declared} bytes, cap ${e.cap}`;
    case "decrypt-failed":
      return `decrypt failed: ${e.field}`;
  }
}
