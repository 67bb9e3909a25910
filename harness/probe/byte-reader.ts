import { isWrapped16, ParseFailure } from "./parse-error.ts";

/**
 * A cursor over bytes with TLS vector reads (RFC 8446 §3.4: `<floor..ceiling>` vectors carry a
 * length prefix of 1, 2 or 3 bytes). Length-prefixed reads return sub-readers bounded to the
 * declared bytes, so a field can never read into its neighbour. Every failure is a ParseFailure
 * carrying a typed ParseError.
 */
export class ByteReader {
  #pos: number;
  readonly #end: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.#pos = start;
    this.#end = end;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  get offset(): number {
    return this.#pos;
  }

  #need(n: number, field: string, rfc?: string): void {
    if (this.#end - this.#pos < n)
      throw new ParseFailure({ kind: "short-read", field, rfc, need: n, have: this.#end - this.#pos });
  }

  u8(field: string, rfc?: string): number {
    this.#need(1, field, rfc);
    return this.bytes[this.#pos++]!;
  }

  u16(field: string, rfc?: string): number {
    this.#need(2, field, rfc);
    const b = this.bytes;
    const v = (b[this.#pos]! << 8) | b[this.#pos + 1]!;
    this.#pos += 2;
    return v;
  }

  u24(field: string, rfc?: string): number {
    this.#need(3, field, rfc);
    const b = this.bytes;
    const v = (b[this.#pos]! << 16) | (b[this.#pos + 1]! << 8) | b[this.#pos + 2]!;
    this.#pos += 3;
    return v;
  }

  /** `n` raw bytes (a view, not a copy). */
  take(n: number, field: string, rfc?: string): Uint8Array {
    this.#need(n, field, rfc);
    const out = this.bytes.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** Everything left (a view). */
  rest(): Uint8Array {
    const out = this.bytes.subarray(this.#pos, this.#end);
    this.#pos = this.#end;
    return out;
  }

  /**
   * A `<floor..ceiling>` vector with a `prefix`-byte length, as a sub-reader. The declared length is
   * checked against the bounds and against the bytes present; when it is short of the bytes present
   * by a multiple of 65,536 the error says so (`wrapped`), because that is what an overflowed
   * 16-bit length looks like on the wire.
   */
  vector(
    prefix: 1 | 2 | 3,
    field: string,
    rfc?: string,
    bounds: { floor?: number; ceiling?: number; wholeRest?: boolean } = {},
  ): ByteReader {
    const declared =
      prefix === 1
        ? this.u8(`${field} length`, rfc)
        : prefix === 2
          ? this.u16(`${field} length`, rfc)
          : this.u24(`${field} length`, rfc);
    const present = this.remaining;
    if (declared > present) throw new ParseFailure({ kind: "bad-length", field, rfc, declared, present });
    // A vector that should fill the rest of its parent but leaves bytes behind: report the
    // mismatch here, where the wrapped-length arithmetic can be checked, not as trailing bytes later.
    if (bounds.wholeRest && declared !== present)
      throw new ParseFailure({
        kind: "bad-length",
        field,
        rfc,
        declared,
        present,
        wrapped: prefix === 2 && isWrapped16(declared, present),
      });
    const floor = bounds.floor ?? 0;
    const ceiling = bounds.ceiling ?? 2 ** (8 * prefix) - 1;
    if (declared < floor || declared > ceiling)
      throw new ParseFailure({ kind: "bad-length", field, rfc, declared, bounds: `${floor}..${ceiling}` });
    const sub = new ByteReader(this.bytes, this.#pos, this.#pos + declared);
    this.#pos += declared;
    return sub;
  }

  /** Parse ends by checking every byte was consumed (Go's `s.Empty()`, rustls' `r.expect_empty()`). */
  expectEnd(field: string, rfc?: string): void {
    if (this.remaining !== 0)
      throw new ParseFailure({ kind: "trailing-bytes", field, rfc, count: this.remaining });
  }
}
