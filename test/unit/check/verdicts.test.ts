import { describe, expect, it } from "vitest";
import type { CaSetup } from "../../../harness/check/ca-setup.ts";
import { check } from "../../../harness/check/check.ts";
import { CLIENT_PROFILES, SERVER_PROFILES, type ServerStack } from "../../../harness/check/limits.ts";
import { checkJson } from "../../../harness/check/render-json.ts";
import { checkText } from "../../../harness/check/render-text.ts";
import { compareVersions } from "../../../harness/model/package-version.ts";
import {
  JSSE_17_0_15_REQUEST,
  JSSE_17_0_21_REQUEST,
  maxListBytes13,
} from "../../../harness/probe/certificate-request-size.ts";
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

describe("limits keyed by the version they were measured on", () => {
  const java = (bytes: number, version?: string) =>
    check(setupOfBytes(bytes), {
      servers: ["java"],
      tls: ["1.2", "1.3"],
      clients: ["openssl"],
      ...(version ? { versions: { java: { version, source: "given" as const } } } : {}),
    });

  it("JSSE's TLS 1.3 limit per build: 65,453 B on 17.0.15, 65,463 B on 17.0.21.1 (Debian strings too)", () => {
    const old = of(java(65_458, "17.0.15"), "java", "1.3");
    expect(old).toMatchObject({ verdict: "aborts", marginBytes: -5, limitBytes: 65_453 });
    expect(old.measuredOn).toEqual([{ package: "java", from: "17.0.15", to: "17.0.15" }]);
    expect(old.version).toEqual({ version: "17.0.15", source: "given" });
    const now = of(java(65_458, "17.0.21.1+2-1~deb12u1"), "java", "1.3");
    expect(now).toMatchObject({ verdict: "sends", marginBytes: 5, limitBytes: 65_463 });
    expect(now.measuredOn).toEqual([{ package: "java", from: "17.0.21.1", to: "17.0.21.1" }]);
  });

  it("the rule: 65,535 B of extensions minus signature_algorithms(_cert) as each build sends them", () => {
    const [a, b] = SERVER_PROFILES.java.limits["1.3"];
    expect(a!.maxListBytes).toBe(maxListBytes13(JSSE_17_0_15_REQUEST["1.3"]));
    expect(b!.maxListBytes).toBe(maxListBytes13(JSSE_17_0_21_REQUEST["1.3"]));
    // 4 + 2 + 2 × 16 and 4 + 2 + 2 × 11 for signature_algorithms, 38 for signature_algorithms_cert, 6 for the CA header.
    expect(65_535 - a!.maxListBytes).toBe(38 + 38 + 6);
    expect(65_535 - b!.maxListBytes).toBe(28 + 38 + 6);
  });

  it("no version known: one verdict where every measured build agrees, otherwise 'depends on the version'", () => {
    const small = of(java(65_000), "java", "1.3");
    expect(small).toMatchObject({ verdict: "sends", marginBytes: 453 });
    expect(small.measuredOn.map((o) => o.from)).toEqual(["17.0.15", "17.0.21.1"]);
    const between = java(65_458);
    expect(of(between, "java", "1.3")).toMatchObject({
      verdict: "depends-on-version",
      marginBytes: null,
      limitBytes: null,
    });
    expect(of(between, "java", "1.3").reason).toMatch(/java 17\.0\.15 aborts, java 17\.0\.21\.1 sends/);
    expect(between).toMatchObject({ breaks: false, unpredicted: true });
  });

  it("a version outside every measured range is 'not measured', never predicted from another build", () => {
    const mid = java(65_000, "17.0.17");
    expect(of(mid, "java", "1.2").verdict).toBe("sends"); // 17.0.15–17.0.21.1 holds 17.0.17
    expect(of(mid, "java", "1.3")).toMatchObject({ verdict: "not-measured", marginBytes: null });
    expect(of(mid, "java", "1.3").reason).toBe(
      "not measured on java 17.0.17 (measured: java 17.0.15; java 17.0.21.1)",
    );
    const next = java(65_000, "21.0.5");
    expect(next.servers.map((v) => v.verdict)).toEqual(["not-measured", "not-measured"]);
    const client = check(setupOfBytes(20_000), {
      servers: ["nginx"],
      tls: ["1.2"],
      clients: ["java"],
      versions: { java: { version: "21.0.5", source: "host" } },
    });
    expect(client.clients[0]).toMatchObject({ verdict: "not-measured", marginBytes: null });
    expect(client).toMatchObject({ breaks: false, unpredicted: true });
  });

  it("every entry names its package and versions; one package per stack; ranges do not overlap", () => {
    for (const [stack, p] of Object.entries(SERVER_PROFILES))
      for (const [tls, entries] of Object.entries(p.limits)) {
        expect(entries.length, `${stack} TLS ${tls}`).toBeGreaterThan(0);
        expect(new Set(entries.map((e) => e.on.package)).size, `${stack} TLS ${tls}`).toBe(1);
        for (const e of entries) {
          expect(e.on.from && e.on.to, `${stack} TLS ${tls}: ${JSON.stringify(e.on)}`).toBeTruthy();
          expect(compareVersions(e.on.from!, e.on.to!)).toBeLessThanOrEqual(0);
        }
        const sorted = [...entries].sort((x, y) => compareVersions(x.on.from!, y.on.from!));
        for (let i = 1; i < sorted.length; i++)
          expect(compareVersions(sorted[i - 1]!.on.to!, sorted[i]!.on.from!), `${stack} TLS ${tls}`).toBe(-1);
      }
    for (const [client, c] of Object.entries(CLIENT_PROFILES)) {
      if (c.maxBodyBytes) expect(c.maxBodyBytes.on.package, client).toBeTruthy();
      if (c.maxRecords) expect(c.maxRecords.on.package, client).toBeTruthy();
    }
  });

  it("text and JSON say which version each limit comes from and what was not predicted", () => {
    const r = java(65_458, "17.0.17");
    const text = checkText(r);
    expect(text).toContain("not measured on 17.0.17");
    expect(text).toContain(
      "java 17.0.17 (--version) NOT MEASURED (the table has 17.0.15–17.0.21.1, 17.0.15, 17.0.21.1)",
    );
    expect(text).toContain("? not predicted (1):");
    expect(checkText(java(65_458, "17.0.15"))).toContain(
      "limits known for: java 17.0.15 (--version): TLS 1.2 ≤ 65,535 B, TLS 1.3 ≤ 65,453 B",
    );
    const j = checkJson(java(65_458, "17.0.21.1")) as {
      servers: { tls: string; verdict: string; measuredOn: object[]; version: object }[];
      versions: object;
      unpredicted: boolean;
    };
    const t13 = j.servers.find((s) => s.tls === "1.3")!;
    expect(t13).toMatchObject({
      verdict: "sends",
      measuredOn: [{ package: "java", from: "17.0.21.1", to: "17.0.21.1" }],
      version: { version: "17.0.21.1", source: "given" },
    });
    expect(j.versions).toEqual({ java: { version: "17.0.21.1", source: "given" } });
    expect(j.unpredicted).toBe(false);
  });
});
