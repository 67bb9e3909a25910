import { describe, expect, it } from "vitest";
import { ByteReader } from "../../../harness/probe/byte-reader.ts";
import { buildClientHello } from "../../../harness/probe/client-hello.ts";
import { readExtensions } from "../../../harness/probe/extensions.ts";

function extensionsOf(message: Uint8Array) {
  const r = new ByteReader(message.subarray(4));
  r.u16("legacy_version");
  r.take(32, "random");
  r.vector(1, "session_id");
  const suites = r.vector(2, "cipher_suites");
  r.vector(1, "compression");
  const exts = readExtensions(
    r.vector(2, "extensions", undefined, { wholeRest: true }),
    "ClientHello",
    "RFC 8446 §4.1.2",
  );
  r.expectEnd("ClientHello");
  const codes: number[] = [];
  while (suites.remaining) codes.push(suites.u16("suite"));
  return { exts, codes };
}

describe("ClientHello (RFC 8446 §4.1.2)", () => {
  it("TLS 1.3: supported_versions 1.3 only, one key share per group, SNI when a name is given", () => {
    const ch = buildClientHello({ tls: "1.3", sni: "example.test" });
    const { exts, codes } = extensionsOf(ch.message);
    expect(codes).toEqual([0x1301, 0x1302, 0x1303]);
    expect([...exts.get(43)!.rest()]).toEqual([2, 3, 4]);
    expect(Buffer.from(exts.get(0)!.rest()).toString("latin1")).toContain("example.test");
    const ks = exts.get(51)!.vector(2, "client_shares");
    expect(ks.u16("group")).toBe(0x001d);
    expect(ks.vector(2, "x25519").remaining).toBe(32);
    expect(ks.u16("group")).toBe(0x0017);
    expect(ks.vector(2, "p256").remaining).toBe(65);
    expect(ch.record.subarray(0, 3)).toEqual(Uint8Array.of(22, 3, 1));
  });

  it("TLS 1.2: no supported_versions or key_share; ECDHE suites first; IP literals get no SNI", () => {
    const ch = buildClientHello({ tls: "1.2", sni: "127.0.0.1", cipherSuites: [0xc02f] });
    const { exts, codes } = extensionsOf(ch.message);
    expect(codes).toEqual([0xc02f]);
    expect(exts.has(43)).toBe(false);
    expect(exts.has(51)).toBe(false);
    expect(exts.has(0)).toBe(false);
    expect(extensionsOf(buildClientHello({ tls: "1.2" }).message).codes[0]).toBe(0xc02b);
  });
});
