import { ByteReader } from "./byte-reader.ts";
import { readExtensions } from "./extensions.ts";
import { ParseFailure } from "./parse-error.ts";
import { ExtensionType, HRR_RANDOM, TLS13 } from "./tls-codes.ts";

/** The ServerHello fields the probe needs, RFC 8446 §4.1.3 / RFC 5246 §7.4.1.3. */
export interface ServerHello {
  legacyVersion: number;
  /** supported_versions.selected_version when present, else legacy_version. */
  version: number;
  random: Uint8Array;
  cipherSuite: number;
  helloRetryRequest: boolean;
  /** key_share: the server's share (ServerHello) or the selected group only (HelloRetryRequest). */
  keyShare?: { group: number; keyExchange?: Uint8Array };
  /** HelloRetryRequest only: the cookie to echo (RFC 8446 §4.2.2). */
  cookie?: Uint8Array;
}

const RFC = "RFC 8446 §4.1.3";

/** Parse a ServerHello body (after the 4-byte handshake header). Throws ParseFailure. */
export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body);
  const legacyVersion = r.u16("ServerHello.legacy_version", RFC);
  const random = r.take(32, "ServerHello.random", RFC);
  r.vector(1, "ServerHello.legacy_session_id_echo", RFC, { ceiling: 32 });
  const cipherSuite = r.u16("ServerHello.cipher_suite", RFC);
  const compression = r.u8("ServerHello.legacy_compression_method", RFC);
  if (compression !== 0)
    throw new ParseFailure({
      kind: "bad-value",
      field: "ServerHello.legacy_compression_method",
      rfc: RFC,
      value: String(compression),
    });
  const helloRetryRequest = Buffer.from(random).equals(HRR_RANDOM);
  let version = legacyVersion;
  let keyShare: ServerHello["keyShare"];
  let cookie: Uint8Array | undefined;
  // TLS 1.2 allows a ServerHello without extensions (RFC 5246 §7.4.1.3).
  if (r.remaining > 0) {
    const exts = readExtensions(
      r.vector(2, "ServerHello.extensions", RFC, { wholeRest: true }),
      "ServerHello",
      RFC,
    );
    const sv = exts.get(ExtensionType.supportedVersions);
    if (sv) {
      version = sv.u16("supported_versions.selected_version", "RFC 8446 §4.2.1");
      sv.expectEnd("supported_versions", "RFC 8446 §4.2.1");
    }
    const ck = exts.get(ExtensionType.cookie);
    if (ck) cookie = ck.vector(2, "cookie.cookie", "RFC 8446 §4.2.2", { floor: 1, wholeRest: true }).rest();
    const ks = exts.get(ExtensionType.keyShare);
    if (ks) {
      const group = ks.u16("key_share.group", "RFC 8446 §4.2.8");
      if (helloRetryRequest) keyShare = { group };
      else
        keyShare = {
          group,
          keyExchange: ks.vector(2, "key_share.key_exchange", "RFC 8446 §4.2.8", { floor: 1 }).rest(),
        };
      ks.expectEnd("key_share", "RFC 8446 §4.2.8");
    }
  }
  r.expectEnd("ServerHello", RFC);
  if (version === TLS13 && !helloRetryRequest && !keyShare)
    throw new ParseFailure({ kind: "bad-value", field: "ServerHello.key_share", rfc: RFC, value: "missing" });
  return {
    legacyVersion,
    version,
    random,
    cipherSuite,
    helloRetryRequest,
    keyShare,
    ...(cookie ? { cookie } : {}),
  };
}
