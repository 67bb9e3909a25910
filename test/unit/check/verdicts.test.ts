import { describe, expect, it } from "vitest";
import type { CaSetup } from "../../../harness/check/ca-setup.ts";
import { check } from "../../../harness/check/check.ts";
import type { ServerStack } from "../../../harness/check/limits.ts";
import type { RootEntry } from "../../../harness/roots/root-store.ts";

/** Entries of exact list sizes without certificates: the verdicts only look at subject bytes. */
function setupOfBytes(bytes: number): CaSetup {
  const entries: RootEntry[] = [];
  let left = bytes;
  for (let i = 0; left > 0; i++) {
    const n = Math.min(left, 128);
    const der = new Uint8Array(n - 2);
    der[0] = i & 0xff;
    der[1] = (i >> 8) & 0xff;
    entries.push({ subjectDer: der, caNameBytes: n, subject: `CN=synthetic ${i}` } as unknown as RootEntry);
    left -= n;
  }
  return { source: `${bytes} B`, advertise: entries, verifyOnly: [], caNames: "sent", from: [], notes: [] };
}

const verdicts = (bytes: number, servers: ServerStack[]) =>
  check(setupOfBytes(bytes), { servers, tls: ["1.2", "1.3"], clients: ["java", "go", "openssl"] });
const of = (r: ReturnType<typeof verdicts>, server: string, tls: string) =>
  r.servers.find((v) => v.server === server && v.tls === tls)!;

describe("verdicts past each server limit (bytes)", () => {
  it.each([
    [65_491, "nginx", "sends", "sends"],
    [65_492, "nginx", "sends", "aborts"],
    [65_536, "nginx", "aborts", "aborts"],
    [65_487, "gnutls", "sends", "sends"],
    [65_488, "gnutls", "sends", "aborts"],
    [65_536, "gnutls", "malformed", "aborts"],
    [65_536, "caddy", "malformed", "aborts"],
    [65_536, "java", "aborts", "aborts"],
  ])("%i B on %s: TLS 1.2 %s, TLS 1.3 %s", (bytes, server, v12, v13) => {
    const r = verdicts(bytes, [server as ServerStack]);
    expect(of(r, server, "1.2").verdict).toBe(v12);
    expect(of(r, server, "1.3").verdict).toBe(v13);
    expect(r.breaks).toBe(
      v12 !== "sends" || v13 !== "sends" || r.clients.some((c) => c.verdict !== "accepts"),
    );
  });

  it("JSSE on TLS 1.3 omits the extension once the raw subjects pass 65,535 B (751-root regime)", () => {
    const r = verdicts(80_000, ["java"]);
    expect(of(r, "java", "1.3")).toMatchObject({ verdict: "truncates", sent: { bytes: 0 } });
    expect(of(r, "java", "1.2").verdict).toBe("aborts");
  });

  it("a server that aborts still shows which clients the whole list would break", () => {
    const r = verdicts(66_000, ["nginx"]);
    expect(r.clients.find((c) => c.client === "java" && c.tls === "1.2")!.verdict).toBe("refuses");
    expect(r.clients.find((c) => c.client === "go" && c.tls === "1.2")!.verdict).toBe("refuses");
    expect(r.clients.find((c) => c.client === "openssl" && c.tls === "1.2")!.verdict).toBe("accepts");
  });

  it("Go's client cap: 65,458 B works, 65,521 B fails (docs/domain.md, against s_server on TLS 1.2)", () => {
    const go = (bytes: number) =>
      verdicts(bytes, ["openssl"]).clients.find((c) => c.client === "go" && c.tls === "1.2")!;
    expect(go(65_458).verdict).toBe("accepts");
    expect(go(65_521)).toMatchObject({ verdict: "refuses", marginBytes: 65_536 - 65_569 });
  });

  it("Java's cap: 32,382 B works, 53,976 B fails; the boundary is a 32,720-byte list on s_server TLS 1.2", () => {
    const java = (bytes: number) =>
      verdicts(bytes, ["openssl"]).clients.find((c) => c.client === "java" && c.tls === "1.2")!;
    expect(java(32_382).verdict).toBe("accepts");
    expect(java(53_976).verdict).toBe("refuses");
    expect(java(32_720)).toMatchObject({ verdict: "accepts", marginBytes: 0 });
    expect(java(32_721)).toMatchObject({ verdict: "refuses", marginBytes: -1 });
  });
});
