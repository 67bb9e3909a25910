import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opensslAcceptableCaNames } from "../../../harness/clients/openssl-client.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { caListBytes, RootEntry } from "../../../harness/roots/root-store.ts";
import { freePort } from "../../../harness/runtime/free-port.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { certPem, syntheticCaList } from "../../fixtures/synthetic-roots.ts";
import { opensslServer } from "../../support/openssl-driver.ts";
import { microsoftRoots, mozillaRoots } from "../../support/root-data.ts";

// One s_server (the openssl driver) per CA list, both TLS versions enabled; the probe and s_client each ask for one.
const servers = new Map<string, { server: StartedTlsServer; entries: RootEntry[] }>();
let pki: TestPki;
let runtime: ProcessRuntime;

const real = microsoftRoots();
const LISTS: Record<string, () => RootEntry[]> = {
  "1 real root": () => [pki.clientIssuerEntry],
  "100 real roots": () => [pki.clientIssuerEntry, ...real.slice(0, 99)],
  [`${real.length + 1} real roots`]: () => [pki.clientIssuerEntry, ...real],
  "Mozilla 2026-04 real roots": () => mozillaRoots(),
  "65,481 bytes": () => syntheticCaList(65_481).map((d) => new RootEntry(d)),
  "65,491 bytes": () => syntheticCaList(65_491).map((d) => new RootEntry(d)),
  "65,492 bytes": () => syntheticCaList(65_492).map((d) => new RootEntry(d)),
  "65,535 bytes": () => syntheticCaList(65_535).map((d) => new RootEntry(d)),
  "65,536 bytes": () => syntheticCaList(65_536).map((d) => new RootEntry(d)),
};

beforeAll(async () => {
  pki = await sharedTestPki();
  runtime = new ProcessRuntime();
  await Promise.all(
    Object.entries(LISTS).map(async ([label, make]) => {
      const entries = make();
      const server = await opensslServer(pki, entries).start(runtime);
      servers.set(label, { server, entries });
    }),
  );
});

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.server.stop()));
  await runtime?.close();
});

function at(label: string) {
  const s = servers.get(label);
  if (!s) throw new Error(`no server for ${label}`);
  return s;
}

describe("probe against openssl s_server: the list equals what openssl s_client prints", () => {
  for (const label of Object.keys(LISTS).filter((l) => l.includes("real") || l === "65,481 bytes")) {
    for (const tls of ["1.2", "1.3"] as const) {
      it(`${label}, TLS ${tls}`, async () => {
        const { server, entries } = at(label);
        const [r, names] = await Promise.all([
          probe({ host: "127.0.0.1", port: server.port, tls, timeoutMs: 10_000 }),
          opensslAcceptableCaNames("127.0.0.1", server.port, tls),
        ]);
        expect(r.outcome).toEqual({ class: "ok" });
        expect(r.version).toBe(tls);
        const cr = r.certificateRequest!;
        // Name by name and in order, against the independent client.
        expect(cr.authorities.map((a) => a.name)).toEqual(names);
        // Byte for byte against what was loaded: s_server keeps file order.
        expect(cr.authorities.map((a) => Buffer.from(a.der).toString("hex"))).toEqual(
          entries.map((e) => Buffer.from(e.subjectDer).toString("hex")),
        );
        expect(cr.authoritiesBytes).toBe(caListBytes(entries));
        expect(cr.messageBytes).toBeGreaterThan(cr.authoritiesBytes);
        expect(cr.signatureAlgorithms.length).toBeGreaterThan(0);
        if (tls === "1.2") expect(cr.certificateTypes?.length).toBeGreaterThan(0);
        expect(r.timings.certificateRequestMs).toBeLessThanOrEqual(r.timings.totalMs);
      });
    }
  }
});

describe("probe at the byte limits (docs/domain.md: TLS 1.3 fails from 65,492, both from 65,536)", () => {
  const cases: [string, "1.2" | "1.3", "ok" | "internal_error"][] = [
    ["65,491 bytes", "1.3", "ok"],
    ["65,492 bytes", "1.2", "ok"],
    ["65,492 bytes", "1.3", "internal_error"],
    ["65,535 bytes", "1.2", "ok"],
    ["65,535 bytes", "1.3", "internal_error"],
    ["65,536 bytes", "1.2", "internal_error"],
    ["65,536 bytes", "1.3", "internal_error"],
  ];
  for (const [label, tls, expected] of cases) {
    it(`${label}, TLS ${tls} → ${expected}`, async () => {
      const { server, entries } = at(label);
      const r = await probe({ host: "127.0.0.1", port: server.port, tls });
      if (expected === "ok") {
        expect(r.outcome).toEqual({ class: "ok" });
        expect(r.certificateRequest!.authoritiesBytes).toBe(caListBytes(entries));
        expect(r.certificateRequest!.authorities).toHaveLength(entries.length);
        expect(r.certificateRequest!.authorities.map((a) => a.name)).toEqual(
          await opensslAcceptableCaNames("127.0.0.1", server.port, tls),
        );
      } else {
        expect(r.outcome).toMatchObject({ class: "server-alert", alert: "internal_error" });
        expect(r.certificateRequest).toBeUndefined();
      }
    });
  }
});

describe("probe: no CertificateRequest, other ciphers, unreachable", () => {
  it("names the missing CertificateRequest (s_server without -Verify)", async () => {
    const server = await opensslServer(pki, [pki.clientIssuerEntry]).withClientAuth("none").start(runtime);
    try {
      for (const tls of ["1.2", "1.3"] as const) {
        const r = await probe({ host: "127.0.0.1", port: server.port, tls });
        expect(r.outcome.class).toBe("no-certificate-request");
        expect(r.certificateRequest).toBeUndefined();
      }
    } finally {
      await server.stop();
    }
  });

  it("decrypts TLS 1.3 with AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305", async () => {
    const { server } = at("100 real roots");
    for (const [suite, name] of [
      [0x1301, "TLS_AES_128_GCM_SHA256"],
      [0x1302, "TLS_AES_256_GCM_SHA384"],
      [0x1303, "TLS_CHACHA20_POLY1305_SHA256"],
    ] as const) {
      for (const group of ["x25519", "secp256r1"] as const) {
        const r = await probe({
          host: "127.0.0.1",
          port: server.port,
          tls: "1.3",
          cipherSuites: [suite],
          groups: [group],
        });
        expect(r.outcome).toEqual({ class: "ok" });
        expect(r.cipher).toBe(name);
        expect(r.certificateRequest!.authorities).toHaveLength(100);
      }
    }
  });

  it("follows a HelloRetryRequest (RFC 8446 §4.1.4) to a group it did not share up front", async () => {
    const p384 = await opensslServer(pki, [pki.clientIssuerEntry]).withGroups(["P-384"]).start(runtime);
    const p256 = await opensslServer(pki, [pki.clientIssuerEntry]).withGroups(["P-256"]).start(runtime);
    try {
      const a = await probe({ host: "127.0.0.1", port: p384.port, tls: "1.3" });
      expect(a.outcome).toEqual({ class: "ok" });
      expect(a.certificateRequest!.authorities).toHaveLength(1);
      const b = await probe({ host: "127.0.0.1", port: p256.port, tls: "1.3", keyShareGroups: ["x25519"] });
      expect(b.outcome).toEqual({ class: "ok" });
      // A group the probe does not offer at all: the server's own alert.
      const c = await probe({ host: "127.0.0.1", port: p384.port, tls: "1.3", groups: ["x25519"] });
      expect(c.outcome).toMatchObject({ class: "server-alert", alert: "handshake_failure" });
    } finally {
      await Promise.all([p384.stop(), p256.stop()]);
    }
  });

  it("reports a refused connection and a silent peer as results", async () => {
    const closed = await probe({ host: "127.0.0.1", port: await freePort(), tls: "1.3", timeoutMs: 2000 });
    expect(closed.outcome.class).toBe("server-error");
    const { createServer } = await import("node:net");
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as { port: number }).port;
      const r = await probe({ host: "127.0.0.1", port, tls: "1.2", timeoutMs: 300 });
      expect(r.outcome.class).toBe("timeout");
    } finally {
      silent.close();
    }
  });

  it("the synthetic fixtures are exactly sized", () => {
    for (const n of [65_481, 65_535, 65_536]) {
      const certs = syntheticCaList(n);
      expect(caListBytes(certs.map((d) => new RootEntry(d)))).toBe(n);
      expect(certPem(certs[0]!)).toContain("BEGIN CERTIFICATE");
    }
  });
});
