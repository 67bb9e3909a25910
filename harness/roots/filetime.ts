/** Windows FILETIME helpers (100 ns ticks since 1601-01-01 UTC, little-endian u64 on the wire). */

const EPOCH_DIFF_MS = 11_644_473_600_000n;

/**
 * A FILETIME's 8 little-endian bytes as an ISO 8601 date-time.
 * @throws RangeError when the value is outside JavaScript's date range
 */
export function filetimeToIso(bytes: Uint8Array): string {
  // An empty value occurs in real CTLs (2018-01 prop 104): Windows reads it as FILETIME 0.
  if (bytes.length === 0) return "1601-01-01T00:00:00.000Z";
  if (bytes.length !== 8) throw new RangeError(`FILETIME must be 8 bytes, got ${bytes.length}`);
  const ticks = Buffer.from(bytes).readBigUInt64LE(0);
  const ms = ticks / 10_000n - EPOCH_DIFF_MS;
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) throw new RangeError(`FILETIME ${ticks} is out of range`);
  return d.toISOString();
}

/** An ASN.1 UTCTime or GeneralizedTime value (the text inside the TLV) as ISO 8601, or undefined. */
export function asn1TimeToIso(text: string, generalized: boolean): string | undefined {
  const m = generalized
    ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text)
    : /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
  if (!m) return undefined;
  let year = Number(m[1]);
  // RFC 5280 §4.1.2.5.1: two-digit years 50..99 are 19xx, 00..49 are 20xx.
  if (!generalized) year += year >= 50 ? 1900 : 2000;
  const d = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? "0")),
  );
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
