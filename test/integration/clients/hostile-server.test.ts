import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS } from "../../../harness/clients/index.ts";
import { opensslAcceptableCaNames } from "../../../harness/clients/openssl-client.ts";
import { removeIdentityFiles } from "../../../harness/clients/pki-files.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { ByteWriter } from "../../../harness/probe/byte-writer.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { frame, splitRecords } from "../../support/flight-tools.ts";
import { hexFixture } from "../../support/hex-fixture.ts";
import { type ReplayServer, startReplayServer } from "../../support/replay-server.ts";

// A captured TLS 1.2 flight with RSA key exchange (no ServerKeyExchange to fail its signature),
// with its CertificateRequest swapped for what GnuTLS / Go send past the limit.
let pki: TestPki;
const servers: Record<string, ReplayServer> = {};

function flightWith(certificateRequest: Uint8Array, opts: { cut?: number } = {}): Uint8Array {
  const hs = splitRecords(hexFixture("tls12-flight-rsa-kx"))
    .filter((r) => r.type === 22)
    .map((r) => r.fragment);
  const all = Buffer.concat(hs);
  // Messages: ServerHello, Certificate, CertificateRequest, ServerHelloDone.
  const msgs: Buffer[] = [];
  for (let p = 0; p < all.length; ) {
    const len = all.readUIntBE(p + 1, 3);
    msgs.push(all.subarray(p, p + 4 + len));
    p += 4 + len;
  }
  let payload = Buffer.concat([msgs[0]!, msgs[1]!, Buffer.from(certificateRequest), msgs[3]!]);
  if (opts.cut) payload = payload.subarray(0, msgs[0]!.length + msgs[1]!.length + opts.cut);
  return frame(22, payload);
}

function certificateRequestWithList(list: Uint8Array): Uint8Array {
  const body = new ByteWriter()
    .vector(1, (w) => w.u8(1).u8(64))
    .vector(2, (w) => w.u16(0x0804).u16(0x0401))
    .u16(list.length % 65_536) // the wrap
    .bytes(list)
    .finish();
  return new ByteWriter().u8(13).u24(body.length).bytes(body).finish();
}

beforeAll(async () => {
  pki = await sharedTestPki();
  const wrapped = hexFixture("tls12-certificate-request-wrapped");
  const cr65535 = hexFixture("tls12-certificate-request-65535");
  // Find the list start generically: types<1..255>, then sigalgs<2..2^16-2>, then the list's u16.
  const types = cr65535[4]!;
  const sig = (cr65535[5 + types]! << 8) | cr65535[6 + types]!;
  const list = cr65535.subarray(4 + 1 + types + 2 + sig + 2);
  // Two copies: 131,070 bytes of names, over OpenSSL's 100 KiB max_cert_list.
  const huge = certificateRequestWithList(new Uint8Array(Buffer.concat([list, list])));
  Object.assign(servers, {
    wrapped: await startReplayServer(flightWith(wrapped)),
    huge: await startReplayServer(flightWith(huge)),
    truncated: await startReplayServer(flightWith(wrapped, { cut: 1000 }), { close: true }),
    silent: await startReplayServer(new Uint8Array(0)),
  });
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  removeIdentityFiles();
});

const host = "127.0.0.1";

describe("probe against replayed hostile flights", () => {
  it("wrapped 16-bit list length → malformed, 'wrapped length'", async () => {
    const r = await probe({ host, port: servers.wrapped!.port, tls: "1.2", timeoutMs: 3000 });
    expect(r.outcome.class).toBe("malformed");
    expect((r.outcome as { detail: string }).detail).toMatch(/wrapped length/);
  });
  it("a CertificateRequest over the cap → excessive-size without buffering it", async () => {
    const r = await probe({ host, port: servers.huge!.port, tls: "1.2", maxMessageBytes: 100 * 1024 });
    expect(r.outcome.class).toBe("excessive-size");
  });
  it("cut mid-message and closed → reset", async () => {
    const r = await probe({ host, port: servers.truncated!.port, tls: "1.2", timeoutMs: 3000 });
    expect(r.outcome.class).toBe("reset");
  });
  it("a server that never answers → timeout", async () => {
    const r = await probe({ host, port: servers.silent!.port, tls: "1.3", timeoutMs: 300 });
    expect(r.outcome.class).toBe("timeout");
  });
  it("openssl s_client shows no names for a wrapped list (it rejects the message)", async () => {
    expect(await opensslAcceptableCaNames(host, servers.wrapped!.port, "1.2", 5000)).toEqual([]);
  });
});

describe("clients against replayed hostile flights", () => {
  for (const name of ["node", "openssl"] as const) {
    it(`${name}: wrapped length → malformed (OpenSSL: length mismatch)`, async () => {
      const r = await CLIENTS[name].handshake({
        host,
        port: servers.wrapped!.port,
        tls: "1.2",
        pki,
        timeoutMs: 5000,
      });
      expect(r.outcome.class).toBe("malformed");
      expect((r.outcome as { detail: string }).detail).toMatch(/length mismatch/i);
    });
    it(`${name}: 131,070-byte list → excessive-size`, async () => {
      const r = await CLIENTS[name].handshake({
        host,
        port: servers.huge!.port,
        tls: "1.2",
        pki,
        timeoutMs: 5000,
      });
      expect(r.outcome.class).toBe("excessive-size");
    });
  }
  it("gnutls: wrapped length is not ok (GnuTLS' own parser)", async () => {
    const r = await CLIENTS.gnutls.handshake({
      host,
      port: servers.wrapped!.port,
      tls: "1.2",
      pki,
      timeoutMs: 3000,
    });
    expect(["malformed", "timeout", "excessive-size", "reset"]).toContain(r.outcome.class);
    console.log("gnutls-cli on a wrapped list:", JSON.stringify(r.outcome));
  });
});
