import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OUTCOME_CLASSES } from "../../../harness/model/outcome.ts";
import { buildClientHello, type ClientHello } from "../../../harness/probe/client-hello.ts";
import {
  serverHandshakeKeys,
  type TrafficKeys,
  transcriptHash,
} from "../../../harness/probe/key-schedule.ts";
import { ServerFlight } from "../../../harness/probe/server-flight.ts";
import { parseServerHello } from "../../../harness/probe/server-hello.ts";
import { TLS13_SUITES } from "../../../harness/probe/tls-codes.ts";
import { capturedHello13, frame } from "../../support/flight-tools.ts";
import { hexFixture } from "../../support/hex-fixture.ts";

/** xorshift32: a seeded PRNG so a failure replays. */
function prng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { next, below: (n: number) => next() % Math.max(1, n) };
}

type Rng = ReturnType<typeof prng>;

/** One random mutation of the kinds that break parsers: bit flips, length edits, cuts, splices. */
function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  const b = Buffer.from(src);
  switch (rng.below(9)) {
    case 0: {
      const n = 1 + rng.below(8);
      for (let i = 0; i < n; i++) b[rng.below(b.length)]! ^= 1 << rng.below(8);
      return b;
    }
    case 1:
      b[rng.below(b.length)] = rng.below(256);
      return b;
    case 2: {
      // Nudge a 16-bit big-endian value: the lengths that matter.
      const i = rng.below(b.length - 1);
      const v = (b.readUInt16BE(i) + [1, -1, 2, 256, -256, 0x8000][rng.below(6)]!) & 0xffff;
      b.writeUInt16BE(v, i);
      return b;
    }
    case 3:
      return b.subarray(0, rng.below(b.length));
    case 4: {
      const i = rng.below(b.length);
      return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + rng.below(64))]);
    }
    case 5: {
      const i = rng.below(b.length);
      const junk = Buffer.alloc(1 + rng.below(32));
      for (let k = 0; k < junk.length; k++) junk[k] = rng.below(256);
      return Buffer.concat([b.subarray(0, i), junk, b.subarray(i)]);
    }
    case 6: {
      const i = rng.below(b.length);
      const j = rng.below(b.length);
      return Buffer.concat([b.subarray(0, i), b.subarray(j, j + rng.below(512)), b.subarray(i)]);
    }
    case 7:
      b.fill([0x00, 0xff][rng.below(2)]!, rng.below(b.length), rng.below(b.length));
      return b;
    default: {
      // A 24-bit length (handshake header) set to something large.
      const i = rng.below(b.length - 2);
      b.writeUIntBE(rng.next() & 0xffffff, i, 3);
      return b;
    }
  }
}

/** Re-encrypt TLS 1.3 handshake plaintext with the captured exchange's server keys (RFC 8446 §5.2). */
function sealer(hello: ClientHello) {
  const shMessage = hexFixture("tls13-server-hello");
  const sh = parseServerHello(shMessage.subarray(4));
  const suite = TLS13_SUITES[sh.cipherSuite]!;
  const shared = hello.keyShares[0]!.agree(sh.keyShare!.keyExchange!);
  const keys: TrafficKeys = serverHandshakeKeys(
    suite.hash,
    suite.aead,
    shared,
    transcriptHash(suite.hash, [hello.message, shMessage]),
  );
  return (plaintext: Uint8Array, recordSize: number): Uint8Array => {
    const out: Buffer[] = [Buffer.from(frame(22, shMessage)), Buffer.from([20, 3, 3, 0, 1, 1])];
    let seq = 0;
    for (let p = 0; p < plaintext.length; p += recordSize) {
      const inner = Buffer.concat([plaintext.subarray(p, p + recordSize), Buffer.from([22])]);
      const header = Buffer.from([23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff]);
      const nonce = Buffer.from(keys.iv);
      nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq++) >>> 0, 8);
      const c = createCipheriv(keys.aead, keys.key, nonce, { authTagLength: 16 } as never) as unknown as {
        setAAD(a: Buffer, o: object): void;
        update(b: Buffer): Buffer;
        final(): Buffer;
        getAuthTag(): Buffer;
      };
      c.setAAD(header, { plaintextLength: inner.length });
      out.push(header, c.update(inner), c.final(), c.getAuthTag());
    }
    return new Uint8Array(Buffer.concat(out));
  };
}

const ERROR_KINDS = new Set([
  "short-read",
  "bad-length",
  "trailing-bytes",
  "unexpected-message",
  "bad-alert",
  "bad-value",
  "excessive-size",
  "decrypt-failed",
]);

function feed(hello: ClientHello, bytes: Uint8Array, rng: Rng, cap: number) {
  const f = new ServerFlight(hello, cap);
  const chunk = rng.below(8) === 0 ? 1 + rng.below(256) : bytes.length || 1;
  for (let p = 0; p < bytes.length; p += chunk) {
    const s = f.push(bytes.subarray(p, p + chunk));
    if (s.done) return s.result;
  }
  return f.end({ class: "reset", detail: "end of input" });
}

describe("fuzz: mutated server flights never crash, hang or escape the result types", () => {
  it("≥ 100,000 mutated TLS 1.2 and TLS 1.3 flights end in a typed result (no hang: a bound 10× above the usual ~10 s)", () => {
    const rng = prng(0x5eed1e55);
    const hello12 = buildClientHello({ tls: "1.2" });
    const hello13 = capturedHello13();
    // The X25519 agreement is the same for every replay of the captured ServerHello: memoize it so
    // the run spends its time in the parsers, not in repeated scalar multiplications.
    const share = hello13.keyShares[0]!;
    const agree = share.agree.bind(share);
    let memo: { peer: string; secret: Uint8Array } | undefined;
    share.agree = (peer) => {
      const key = Buffer.from(peer).toString("hex");
      if (memo?.peer !== key) memo = { peer: key, secret: agree(peer) };
      return memo.secret;
    };
    const seal = sealer(hello13);
    const flights12 = [
      "tls12-flight-ok",
      "tls12-flight-no-certificate-request",
      "tls12-flight-alert-internal-error",
    ].map(hexFixture);
    // TLS 1.3: the decrypted messages, mutated, then sealed again, so the mutations reach the parsers.
    const plain13 = Buffer.concat(
      ["tls13-encrypted-extensions", "tls13-certificate-request", "tls13-certificate"].map((n) =>
        Buffer.from(hexFixture(n)),
      ),
    );
    const noCaNames13 = Buffer.concat(
      ["tls13-encrypted-extensions", "tls13-certificate-request-no-ca-names", "tls13-certificate"].map((n) =>
        Buffer.from(hexFixture(n)),
      ),
    );
    const t0 = performance.now();
    const classes = new Map<string, number>();
    const kinds = new Map<string, number>();
    const N = 100_000;
    const bad: string[] = [];
    for (let i = 0; i < N; i++) {
      let result: ReturnType<typeof feed>;
      const cap = rng.below(10) === 0 ? 64 + rng.below(4096) : 16 * 1024 * 1024;
      // 3 in 4 are TLS 1.2: a TLS 1.3 flight costs an X25519 agreement and a key schedule each.
      const pick = rng.below(16);
      if (pick < 12) {
        const src = flights12[rng.below(flights12.length)]!;
        result = feed(hello12, mutate(src, rng), rng, cap);
      } else if (pick < 15) {
        const src = pick === 14 ? noCaNames13 : plain13;
        result = feed(
          hello13,
          seal(mutate(src, rng), rng.below(8) === 0 ? 1 + rng.below(64) : 256 + rng.below(4000)),
          rng,
          cap,
        );
      } else {
        // Mutate the ciphertext itself: the AEAD must refuse it, never crash.
        result = feed(hello13, mutate(seal(plain13, 16_384), rng), rng, cap);
      }
      // Plain checks in the loop (expect() per iteration would dominate the run time).
      if (
        !OUTCOME_CLASSES.includes(result.outcome.class) ||
        (result.parseError && !ERROR_KINDS.has(result.parseError.kind)) ||
        (result.outcome.class === "ok" && !result.certificateRequest)
      )
        bad.push(`#${i}: ${JSON.stringify(result.outcome)} ${JSON.stringify(result.parseError)}`);
      classes.set(result.outcome.class, (classes.get(result.outcome.class) ?? 0) + 1);
      if (result.parseError) kinds.set(result.parseError.kind, (kinds.get(result.parseError.kind) ?? 0) + 1);
    }
    const ms = performance.now() - t0;
    expect(bad.slice(0, 5)).toEqual([]);
    // A hang or a quadratic parser blows this by far more than 10×; a loaded machine does not.
    expect(ms).toBeLessThan(150_000);
    // The mutations reach deep: most error kinds and outcomes show up.
    expect(classes.get("ok")).toBeGreaterThan(0);
    expect(classes.get("malformed")).toBeGreaterThan(0);
    expect(kinds.size).toBeGreaterThanOrEqual(6);
    console.log(
      `fuzz: ${N} flights in ${Math.round(ms)} ms`,
      Object.fromEntries(classes),
      Object.fromEntries(kinds),
    );
  }, 300_000);
});
