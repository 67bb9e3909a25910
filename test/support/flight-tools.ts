import { createPrivateKey } from "node:crypto";
import { buildClientHello, type ClientHello } from "../../harness/probe/client-hello.ts";
import { makeKeyShare } from "../../harness/probe/key-exchange.ts";
import { hexFixture } from "./hex-fixture.ts";

/** Split a byte stream into TLS records: [type, fragment][]. */
export function splitRecords(bytes: Uint8Array): { type: number; fragment: Uint8Array }[] {
  const out: { type: number; fragment: Uint8Array }[] = [];
  let p = 0;
  while (p + 5 <= bytes.length) {
    const len = (bytes[p + 3]! << 8) | bytes[p + 4]!;
    out.push({ type: bytes[p]!, fragment: bytes.subarray(p + 5, p + 5 + len) });
    p += 5 + len;
  }
  return out;
}

/** Records of `type` carrying `payload`, `size` bytes each. */
export function frame(type: number, payload: Uint8Array, size = 16_384): Uint8Array {
  const parts: Buffer[] = [];
  for (let p = 0; p < payload.length || (p === 0 && payload.length === 0); p += size) {
    const chunk = payload.subarray(p, Math.min(p + size, payload.length));
    parts.push(Buffer.from([type, 3, 3, chunk.length >> 8, chunk.length & 0xff]), Buffer.from(chunk));
    if (payload.length === 0) break;
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** A plaintext TLS 1.2 flight re-framed: all handshake bytes, cut into records of `size` bytes. */
export function reframeHandshake(flight: Uint8Array, size: number): Uint8Array {
  const hs = Buffer.concat(
    splitRecords(flight)
      .filter((r) => r.type === 22)
      .map((r) => r.fragment),
  );
  return frame(22, hs, size);
}

/** The ClientHello of the captured TLS 1.3 exchange, with its private key, so the flight replays. */
export function capturedHello13(): ClientHello {
  const key = createPrivateKey({
    key: Buffer.from(hexFixture("tls13-flight-x25519-private")),
    format: "der",
    type: "pkcs8",
  });
  const hello = buildClientHello({ tls: "1.3", keyShares: [makeKeyShare("x25519", key)] });
  return { ...hello, message: hexFixture("tls13-flight-client-hello") };
}
