import { randomBytes } from "node:crypto";
import type { TlsVersion } from "../model/tls.ts";
import { ByteWriter } from "./byte-writer.ts";
import { type KeyShare, makeKeyShare } from "./key-exchange.ts";
import {
  DEFAULT_SIGNATURE_SCHEMES,
  DEFAULT_TLS12_SUITES,
  DEFAULT_TLS13_SUITES,
  ExtensionType,
  type GroupName,
  HandshakeType,
  NamedGroup,
  TLS12,
  TLS13,
} from "./tls-codes.ts";

/** What to offer. Exclusive version choice: the probe asks for exactly one version. */
export interface ClientHelloOptions {
  tls: TlsVersion;
  /** server_name (RFC 6066 §3); omitted for IP literals and when undefined. */
  sni?: string;
  /** Cipher suites in preference order; defaults per version. */
  cipherSuites?: readonly number[];
  /** supported_groups in preference order. Default x25519, secp256r1, secp384r1. */
  groups?: readonly GroupName[];
  /**
   * TLS 1.3 key shares to generate: default the first two of `groups`. A server that wants another
   * offered group answers with a HelloRetryRequest, which the probe follows (RFC 8446 §4.1.4).
   */
  keyShareGroups?: readonly GroupName[];
  /** Fixed random and legacy_session_id: a second ClientHello repeats the first's (RFC 8446 §4.1.2). */
  random?: Uint8Array;
  sessionId?: Uint8Array;
  /** cookie extension to echo after a HelloRetryRequest (RFC 8446 §4.2.2). */
  cookie?: Uint8Array;
  /** signature_algorithms, RFC 8446 §4.2.3. */
  signatureSchemes?: readonly number[];
  /** Key shares to send instead of fresh ones (tests replaying a captured flight). */
  keyShares?: KeyShare[];
}

/** A built ClientHello: the handshake message bytes (for the transcript) and the key shares. */
export interface ClientHello {
  tls: TlsVersion;
  /** The handshake message, header included (RFC 8446 §4: msg_type, u24 length, body). */
  message: Uint8Array;
  /** One TLS record carrying it. */
  record: Uint8Array;
  cipherSuites: readonly number[];
  keyShares: KeyShare[];
  /** What it was built from, random and session id included: the HelloRetryRequest path rebuilds from it. */
  options: ClientHelloOptions & { random: Uint8Array; sessionId: Uint8Array; groups: readonly GroupName[] };
}

const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-f:]+\]?)$/i;

/** Build a ClientHello, RFC 8446 §4.1.2 (TLS 1.3) or RFC 5246 §7.4.1.2 (TLS 1.2). */
export function buildClientHello(o: ClientHelloOptions): ClientHello {
  const suites = o.cipherSuites ?? (o.tls === "1.3" ? DEFAULT_TLS13_SUITES : DEFAULT_TLS12_SUITES);
  const groups = o.groups ?? ["x25519", "secp256r1", "secp384r1"];
  const keyShares =
    o.tls === "1.3"
      ? (o.keyShares ?? (o.keyShareGroups ?? groups.slice(0, 2)).map((g) => makeKeyShare(g)))
      : [];
  const random = o.random ?? new Uint8Array(randomBytes(32));
  // legacy_session_id: 32 bytes puts a TLS 1.3 server in middlebox-compatibility mode (a CCS
  // record follows the ServerHello), the mode real clients use; empty for TLS 1.2.
  const sessionId = o.sessionId ?? (o.tls === "1.3" ? new Uint8Array(randomBytes(32)) : new Uint8Array(0));
  const sni = o.sni && !IP_LITERAL.test(o.sni) ? o.sni : undefined;

  const body = new ByteWriter()
    .u16(TLS12) // legacy_version: 0x0303 for both, RFC 8446 §4.1.2
    .bytes(random)
    .vector(1, (w) => w.bytes(sessionId))
    .vector(2, (w) => {
      for (const s of suites) w.u16(s);
    })
    .vector(1, (w) => w.u8(0)) // legacy_compression_methods: null only
    .vector(2, (ext) => {
      if (sni)
        ext
          .u16(ExtensionType.serverName)
          .vector(2, (w) => w.vector(2, (l) => l.u8(0).vector(2, (n) => n.bytes(Buffer.from(sni, "ascii")))));
      ext.u16(ExtensionType.supportedGroups).vector(2, (w) =>
        w.vector(2, (l) => {
          for (const g of groups) l.u16(NamedGroup[g]);
        }),
      );
      ext.u16(ExtensionType.signatureAlgorithms).vector(2, (w) =>
        w.vector(2, (l) => {
          for (const s of o.signatureSchemes ?? DEFAULT_SIGNATURE_SCHEMES) l.u16(s);
        }),
      );
      if (o.tls === "1.2") {
        ext.u16(ExtensionType.ecPointFormats).vector(2, (w) => w.vector(1, (l) => l.u8(0)));
        ext.u16(ExtensionType.extendedMasterSecret).vector(2, () => {});
        ext.u16(ExtensionType.renegotiationInfo).vector(2, (w) => w.vector(1, () => {}));
      } else {
        ext.u16(ExtensionType.supportedVersions).vector(2, (w) => w.vector(1, (l) => l.u16(TLS13)));
        if (o.cookie) ext.u16(ExtensionType.cookie).vector(2, (w) => w.vector(2, (c) => c.bytes(o.cookie!)));
        ext.u16(ExtensionType.pskKeyExchangeModes).vector(2, (w) => w.vector(1, (l) => l.u8(1)));
        ext.u16(ExtensionType.keyShare).vector(2, (w) =>
          w.vector(2, (l) => {
            for (const k of keyShares) l.u16(k.code).vector(2, (x) => x.bytes(k.publicKey));
          }),
        );
      }
    })
    .finish();
  const message = new ByteWriter().u8(HandshakeType.clientHello).u24(body.length).bytes(body).finish();
  // The record's legacy_record_version is 0x0301 for the first flight (RFC 8446 §5.1).
  const record = new ByteWriter().u8(22).u16(0x0301).u16(message.length).bytes(message).finish();
  return {
    tls: o.tls,
    message,
    record,
    cipherSuites: suites,
    keyShares,
    options: { ...o, random, sessionId, groups },
  };
}
