import { createDecipheriv, createHash, createHmac } from "node:crypto";
import type { Aead } from "./tls-codes.ts";

type Hash = "sha256" | "sha384";

const HASH_LEN: Record<Hash, number> = { sha256: 32, sha384: 48 };
const KEY_LEN: Record<Aead, number> = { "aes-128-gcm": 16, "aes-256-gcm": 32, "chacha20-poly1305": 32 };

/** HKDF-Extract, RFC 5869 §2.2. */
export function hkdfExtract(hash: Hash, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(hash, salt).update(ikm).digest());
}

/** HKDF-Expand, RFC 5869 §2.3 (node's hkdfSync always extracts first, so expand is done by hand). */
export function hkdfExpand(hash: Hash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  let filled = 0;
  for (let i = 1; filled < length; i++) {
    t = new Uint8Array(createHmac(hash, prk).update(t).update(info).update(Uint8Array.of(i)).digest());
    out.set(t.subarray(0, Math.min(t.length, length - filled)), filled);
    filled += t.length;
  }
  return out;
}

/** HKDF-Expand-Label, RFC 8446 §7.1: HkdfLabel { u16 length; opaque label<7..255> = "tls13 " + label; opaque context<0..255> }. */
export function hkdfExpandLabel(
  hash: Hash,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const full = Buffer.from(`tls13 ${label}`, "ascii");
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, full.length]),
    full,
    Buffer.from([context.length]),
    context,
  ]);
  return hkdfExpand(hash, secret, info, length);
}

/** Derive-Secret, RFC 8446 §7.1: HKDF-Expand-Label(secret, label, Transcript-Hash(messages), Hash.length). */
export function deriveSecret(
  hash: Hash,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, HASH_LEN[hash]);
}

/** Transcript-Hash over handshake messages (headers included), RFC 8446 §4.4.1. */
export function transcriptHash(hash: Hash, messages: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return new Uint8Array(h.digest());
}

/** Traffic key and IV for one direction, RFC 8446 §7.3. */
export interface TrafficKeys {
  aead: Aead;
  key: Uint8Array;
  iv: Uint8Array;
}

/**
 * The server's handshake traffic keys, RFC 8446 §7.1:
 * early = Extract(0, 0); derived = Derive-Secret(early, "derived", ""); hs = Extract(derived, ECDHE);
 * s_hs = Derive-Secret(hs, "s hs traffic", ClientHello..ServerHello).
 */
export function serverHandshakeKeys(
  hash: Hash,
  aead: Aead,
  sharedSecret: Uint8Array,
  helloHash: Uint8Array,
): TrafficKeys {
  const zeros = new Uint8Array(HASH_LEN[hash]);
  const early = hkdfExtract(hash, zeros, zeros);
  const empty = transcriptHash(hash, []);
  const derived = deriveSecret(hash, early, "derived", empty);
  const hs = hkdfExtract(hash, derived, sharedSecret);
  const sHs = deriveSecret(hash, hs, "s hs traffic", helloHash);
  return {
    aead,
    key: hkdfExpandLabel(hash, sHs, "key", new Uint8Array(0), KEY_LEN[aead]),
    iv: hkdfExpandLabel(hash, sHs, "iv", new Uint8Array(0), 12),
  };
}

/**
 * Open one TLS 1.3 record, RFC 8446 §5.2-§5.3: nonce = iv XOR seq (left-padded), AAD = the record
 * header. Returns the inner content and its real type, or undefined when authentication fails.
 */
export function openRecord(
  keys: TrafficKeys,
  seq: number,
  header: Uint8Array,
  ciphertext: Uint8Array,
): { type: number; content: Uint8Array } | undefined {
  if (ciphertext.length < 17) return undefined;
  const nonce = Uint8Array.from(keys.iv);
  // seq fits in 53 bits; the probe reads a handful of records.
  let s = seq;
  for (let i = 11; i >= 4 && s > 0; i--) {
    nonce[i]! ^= s & 0xff;
    s = Math.floor(s / 256);
  }
  const tag = ciphertext.subarray(ciphertext.length - 16);
  const body = ciphertext.subarray(0, ciphertext.length - 16);
  let plain: Buffer;
  try {
    const d = createDecipheriv(keys.aead, keys.key, nonce, { authTagLength: 16 } as never) as ReturnType<
      typeof createDecipheriv
    > & { setAuthTag(t: Uint8Array): void; setAAD(a: Uint8Array, o?: object): void };
    d.setAAD(header, { plaintextLength: body.length });
    d.setAuthTag(tag);
    plain = Buffer.concat([d.update(body), d.final()]);
  } catch {
    return undefined;
  }
  // TLSInnerPlaintext: content || ContentType type || zeros, RFC 8446 §5.2.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (end < 0) return { type: 0, content: new Uint8Array(0) };
  return { type: plain[end]!, content: new Uint8Array(plain.subarray(0, end)) };
}
