/**
 * The byte limits the harness measures against (docs/domain.md "Measured limits"). Named once so
 * that policies, reports and the roots command cannot disagree about them.
 */

/** The TLS 1.2/1.3 certificate_authorities limit: a 16-bit length (RFC 5246 §7.4.4, RFC 8446 §4.2.4). */
export const CA_LIST_LIMIT_BYTES = 65_535;

/** Schannel truncates the advertised CA list to this many bytes (the `schannel` policy preset). */
export const SCHANNEL_BYTES = 16_384;

/** Server 2003's Schannel truncation, 0x3000 (KB 933430; the `schannel-2003` policy preset). */
export const SCHANNEL_2003_BYTES = 12_288;

/** The largest TLS plaintext fragment (RFC 8446 §5.1): 2^14 bytes. */
export const TLS_PLAINTEXT_BYTES = 16_384;

/** List limits worth knowing, ascending (bytes): Server 2003 Schannel, Schannel 16 KB, the TLS u16. */
export const LIST_LIMITS = [SCHANNEL_2003_BYTES, SCHANNEL_BYTES, CA_LIST_LIMIT_BYTES] as const;
