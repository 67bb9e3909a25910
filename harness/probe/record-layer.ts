import { TLS_PLAINTEXT_BYTES } from "../model/limits.ts";
import { ParseFailure } from "./parse-error.ts";

/** One TLS record, RFC 8446 §5.1 / RFC 5246 §6.2.1. */
export interface TlsRecord {
  type: number;
  version: number;
  /** The 5-byte header (the TLS 1.3 AEAD's additional data). */
  header: Uint8Array;
  fragment: Uint8Array;
}

/** Largest record body accepted: 2^14 + 2048 (RFC 5246 §6.2.3's ciphertext bound, the loosest). */
export const MAX_RECORD_BYTES = TLS_PLAINTEXT_BYTES + 2_048;

/**
 * Cuts a byte stream into records. Holds at most one partial record, so memory is bounded by
 * MAX_RECORD_BYTES whatever the peer sends.
 */
export class RecordReader {
  #pending: Buffer = Buffer.alloc(0);
  count = 0;

  push(chunk: Uint8Array): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : Buffer.from(chunk);
  }

  /** Bytes received but not yet returned as records. */
  get buffered(): number {
    return this.#pending.length;
  }

  /** The next complete record, or undefined when more bytes are needed. Throws ParseFailure. */
  next(): TlsRecord | undefined {
    const p = this.#pending;
    if (p.length < 5) {
      this.#checkType(p);
      return undefined;
    }
    this.#checkType(p);
    const version = p.readUInt16BE(1);
    const length = p.readUInt16BE(3);
    if (length > MAX_RECORD_BYTES)
      throw new ParseFailure({
        kind: "bad-length",
        field: "TLSPlaintext.length",
        rfc: "RFC 8446 §5.1",
        declared: length,
        bounds: `0..${MAX_RECORD_BYTES}`,
      });
    if (p.length < 5 + length) return undefined;
    const header = new Uint8Array(p.subarray(0, 5));
    const fragment = new Uint8Array(p.subarray(5, 5 + length));
    this.#pending = p.subarray(5 + length);
    this.count++;
    return { type: p[0]!, version, header, fragment };
  }

  // Fail on the first bytes of something that is not TLS (an HTTP reply, an SSH banner) instead of
  // waiting for a length that will never come.
  #checkType(p: Buffer): void {
    if (p.length >= 1 && (p[0]! < 20 || p[0]! > 24))
      throw new ParseFailure({
        kind: "bad-value",
        field: "TLSPlaintext.type",
        rfc: "RFC 8446 §5.1",
        value: String(p[0]),
      });
    if (p.length >= 2 && p[1] !== 3)
      throw new ParseFailure({
        kind: "bad-value",
        field: "TLSPlaintext.legacy_record_version",
        rfc: "RFC 8446 §5.1",
        value: `0x${p[1]!.toString(16)}${p[2] === undefined ? "" : p[2]!.toString(16).padStart(2, "0")}`,
      });
  }
}

/** One handshake message, RFC 8446 §4: `HandshakeType msg_type; uint24 length; body`. */
export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  /** Header and body, for the transcript hash. */
  message: Uint8Array;
}

/**
 * Reassembles handshake messages from record fragments: one message may span many records and one
 * record may carry several messages (RFC 8446 §5.1). A message whose header declares more than
 * `cap` bytes fails at once, before anything is buffered for it.
 */
export class HandshakeAssembler {
  // Fragments are kept as a list and joined once per complete message: joining on every record
  // would copy a large message quadratically.
  #chunks: Buffer[] = [];
  #total = 0;

  constructor(readonly cap: number) {}

  push(fragment: Uint8Array): void {
    if (fragment.length === 0) return;
    this.#chunks.push(Buffer.from(fragment.buffer, fragment.byteOffset, fragment.length));
    this.#total += fragment.length;
  }

  /** Bytes of an incomplete message held. */
  get buffered(): number {
    return this.#total;
  }

  next(): HandshakeMessage | undefined {
    if (this.#total < 4) return undefined;
    while (this.#chunks[0]!.length < 4) {
      const [a, b] = this.#chunks;
      this.#chunks.splice(0, 2, Buffer.concat([a!, b!]));
    }
    const head = this.#chunks[0]!;
    const length = head.readUIntBE(1, 3);
    if (length > this.cap)
      throw new ParseFailure({
        kind: "excessive-size",
        field: `handshake message type ${head[0]}`,
        declared: length,
        cap: this.cap,
      });
    if (this.#total < 4 + length) return undefined;
    const all = this.#chunks.length === 1 ? head : Buffer.concat(this.#chunks, this.#total);
    const message = new Uint8Array(all.buffer, all.byteOffset, 4 + length);
    const rest = all.subarray(4 + length);
    this.#chunks = rest.length ? [rest] : [];
    this.#total = rest.length;
    return { type: message[0]!, body: message.subarray(4), message };
  }
}
