import type { ByteReader } from "./byte-reader.ts";
import { ParseFailure } from "./parse-error.ts";

/**
 * Read `Extension extensions<..>` contents (RFC 8446 §4.2): `{ u16 extension_type; opaque
 * extension_data<0..2^16-1> }` until the vector ends. A type seen twice is an error (RFC 8446 §4.2:
 * "There MUST NOT be more than one extension of the same type").
 */
export function readExtensions(r: ByteReader, where: string, rfc: string): Map<number, ByteReader> {
  const out = new Map<number, ByteReader>();
  while (r.remaining > 0) {
    const type = r.u16(`${where}.extension_type`, rfc);
    const data = r.vector(2, `${where}.extension(${type}).extension_data`, rfc);
    if (out.has(type))
      throw new ParseFailure({
        kind: "bad-value",
        field: `${where}.extension_type`,
        rfc,
        value: `duplicate ${type}`,
      });
    out.set(type, data);
  }
  return out;
}
