/**
 * TLS registry values the probe speaks (IANA TLS parameters; RFC 5246, RFC 8446).
 */

/** Record content types, RFC 8446 §5.1. */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

/** Handshake message types, RFC 8446 §4 and RFC 5246 §7.4. */
export const HandshakeType = {
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  finished: 20,
  certificateStatus: 22,
} as const;

const HANDSHAKE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(HandshakeType).map(([k, v]) => [v, k]),
);

/** A handshake type's name for messages, e.g. `certificateRequest(13)`. */
export function handshakeName(type: number): string {
  return `${HANDSHAKE_NAMES[type] ?? "unknown"}(${type})`;
}

/** Extension types, RFC 8446 §4.2. */
export const ExtensionType = {
  serverName: 0,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  extendedMasterSecret: 23,
  supportedVersions: 43,
  certificateAuthorities: 47,
  cookie: 44,
  pskKeyExchangeModes: 45,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

/** Named groups the probe offers, RFC 8446 §4.2.7. */
export const NamedGroup = { secp256r1: 0x0017, secp384r1: 0x0018, x25519: 0x001d } as const;
export type GroupName = keyof typeof NamedGroup;

export const TLS12 = 0x0303;
export const TLS13 = 0x0304;

/** TLS 1.3 cipher suites, RFC 8446 §B.4, with the AEAD and hash the key schedule needs. */
export const TLS13_SUITES: Record<number, { name: string; aead: Aead; hash: "sha256" | "sha384" }> = {
  4865: { name: "TLS_AES_128_GCM_SHA256", aead: "aes-128-gcm", hash: "sha256" },
  4866: { name: "TLS_AES_256_GCM_SHA384", aead: "aes-256-gcm", hash: "sha384" },
  4867: { name: "TLS_CHACHA20_POLY1305_SHA256", aead: "chacha20-poly1305", hash: "sha256" },
};
export type Aead = "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";

/** TLS 1.2 suites the probe offers by default (it never finishes the handshake, so any will do). */
export const TLS12_SUITES: Record<number, string> = {
  49195: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  49199: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  49196: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  49200: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  52393: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  52392: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  49171: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  49172: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  156: "TLS_RSA_WITH_AES_128_GCM_SHA256",
  157: "TLS_RSA_WITH_AES_256_GCM_SHA384",
  47: "TLS_RSA_WITH_AES_128_CBC_SHA",
  53: "TLS_RSA_WITH_AES_256_CBC_SHA",
};

/** Offer order (object keys would come back sorted numerically, RSA key exchange first). */
export const DEFAULT_TLS12_SUITES: readonly number[] = [
  0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
];
export const DEFAULT_TLS13_SUITES: readonly number[] = [0x1301, 0x1302, 0x1303];

/** A cipher suite's IANA name, or its hex code. */
export function cipherName(code: number): string {
  return TLS13_SUITES[code]?.name ?? TLS12_SUITES[code] ?? `0x${code.toString(16).padStart(4, "0")}`;
}

/** Signature schemes offered by default, RFC 8446 §4.2.3 (strongest first, SHA-1 last for old servers). */
export const DEFAULT_SIGNATURE_SCHEMES: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501,
  0x0601, 0x0203, 0x0201,
];

/** The ServerHello.random of a HelloRetryRequest, RFC 8446 §4.1.3: SHA-256("HelloRetryRequest"). */
export const HRR_RANDOM = Buffer.from(
  "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c",
  "hex",
);
