import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from "node:crypto";
import { type GroupName, NamedGroup } from "./tls-codes.ts";

/** One ephemeral ECDHE share offered in the ClientHello (RFC 8446 §4.2.8). */
export interface KeyShare {
  group: GroupName;
  code: number;
  /** The key_exchange bytes sent: 32 bytes for x25519, an uncompressed point for the NIST curves. */
  publicKey: Uint8Array;
  /** ECDHE shared secret with the server's key_exchange bytes. Throws on a bad point. */
  agree(peer: Uint8Array): Uint8Array;
}

// DER SubjectPublicKeyInfo header for an X25519 key (RFC 8410), followed by the 32 raw bytes.
const X25519_SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

/**
 * Make a key share for `group`: fresh, or from a given X25519 private key (to replay a captured
 * TLS 1.3 flight in tests).
 */
export function makeKeyShare(group: GroupName, x25519Private?: KeyObject): KeyShare {
  if (group === "x25519") {
    const privateKey = x25519Private ?? generateKeyPairSync("x25519").privateKey;
    const publicKey = createPublicKey(privateKey);
    const raw = publicKey.export({ format: "der", type: "spki" }).subarray(X25519_SPKI_PREFIX.length);
    return {
      group,
      code: NamedGroup.x25519,
      publicKey: new Uint8Array(raw),
      agree(peer) {
        if (peer.length !== 32) throw new Error(`x25519 share is ${peer.length} bytes, not 32`);
        const key: KeyObject = createPublicKey({
          key: Buffer.concat([X25519_SPKI_PREFIX, peer]),
          format: "der",
          type: "spki",
        });
        return new Uint8Array(diffieHellman({ privateKey, publicKey: key }));
      },
    };
  }
  const ecdh = createECDH(group === "secp384r1" ? "secp384r1" : "prime256v1");
  const pub = ecdh.generateKeys();
  return {
    group,
    code: NamedGroup[group],
    publicKey: new Uint8Array(pub),
    agree(peer) {
      return new Uint8Array(ecdh.computeSecret(peer));
    },
  };
}
