/**
 * Builds TLS structures: big-endian integers and length-prefixed vectors (RFC 8446 §3.4).
 * `vector()` writes the body first and patches the prefix, so nesting reads like the RFC struct.
 */
export class ByteWriter {
  #parts: number[] = [];

  u8(v: number): this {
    this.#parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    this.#parts.push((v >> 8) & 0xff, v & 0xff);
    return this;
  }
  u24(v: number): this {
    this.#parts.push((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
    return this;
  }
  bytes(b: Uint8Array | readonly number[]): this {
    for (const x of b) this.#parts.push(x);
    return this;
  }
  /**
   * A vector with a `prefix`-byte length. Lengths are written modulo the prefix's range, which is
   * exactly the bug this project studies; callers that care check the size first.
   */
  vector(prefix: 1 | 2 | 3, body: (w: ByteWriter) => void): this {
    const inner = new ByteWriter();
    body(inner);
    const b = inner.finish();
    if (prefix === 1) this.u8(b.length);
    else if (prefix === 2) this.u16(b.length);
    else this.u24(b.length);
    return this.bytes(b);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}
