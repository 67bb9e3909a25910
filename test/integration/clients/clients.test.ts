import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS, createClient } from "../../../harness/clients/index.ts";
import { removeIdentityFiles } from "../../../harness/clients/pki-files.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { opensslServer } from "../../support/openssl-driver.ts";
import { microsoftRoots } from "../../support/root-data.ts";

let pki: TestPki;
let runtime: ProcessRuntime;
const s: Record<string, StartedTlsServer> = {};
const prefix = microsoftRoots().slice(0, 20);

beforeAll(async () => {
  pki = await sharedTestPki();
  runtime = new ProcessRuntime();
  const all = [pki.clientIssuerEntry, ...prefix];
  // Advertise a prefix of real roots that lacks the client issuer, verify against everything
  // (docs/domain.md "prefix" policy: the driver's s_server -CAfile advertise.pem -verifyCAfile store.pem).
  const hiddenIssuer = { kind: "explicit", subjects: prefix.map((e) => e.subjectDer) } as const;
  const [modern, legacy, hidden, hiddenOptional, hiddenLegacy] = await Promise.all([
    opensslServer(pki, all).start(runtime),
    opensslServer(pki, all).withLegacyCompat().start(runtime),
    opensslServer(pki, all).withIssuerPolicy(hiddenIssuer).start(runtime),
    opensslServer(pki, all).withIssuerPolicy(hiddenIssuer).withClientAuth("optional").start(runtime),
    opensslServer(pki, all).withIssuerPolicy(hiddenIssuer).withLegacyCompat().start(runtime),
  ]);
  const noCaNames = await opensslServer(pki, all).withIssuerPolicy({ kind: "none" }).start(runtime);
  Object.assign(s, { modern, legacy, hidden, hiddenOptional, hiddenLegacy, noCaNames });
});

afterAll(async () => {
  await Promise.all(Object.values(s).map((x) => x.stop()));
  await runtime?.close();
  removeIdentityFiles();
});

const host = "127.0.0.1";

describe.each(["node", "openssl", "gnutls"] as const)("%s client", (name) => {
  const client = CLIENTS[name];
  // The KB 2801679 emulation is an explicit option; by default these clients send their certificate.
  const emulating = createClient({ name, select: "by-issuer-list" });
  it("declares its selection: always by default, by-issuer-list when told", () => {
    expect(client.selection).toBe("always");
    expect(emulating.selection).toBe("by-issuer-list");
    expect(emulating.label).toBe(`${name}+by-issuer-list`);
  });
  it("is available", async () => {
    expect(await client.available()).toBe(true);
  });
  it("times the handshake from its own connect, not from starting a process or waiting for a verdict", async () => {
    for (const tls of ["1.2", "1.3"] as const) {
      // openssl and gnutls-cli print a line as they connect: the clock starts there. On a loaded
      // machine that line and the handshake's end may reach us in one read (the sample then says
      // it counts the process start, and latency sampling leaves it out): one in five must not.
      const timed: number[] = [];
      for (let i = 0; i < 5 && timed.length === 0; i++) {
        const t0 = performance.now();
        const r = await client.handshake({ host, port: s.modern!.port, tls, pki });
        const wallMs = performance.now() - t0;
        expect(r.outcome).toEqual({ class: "ok" });
        expect(r.ms, `TLS ${tls}`).toBeGreaterThan(0);
        expect(r.ms, `TLS ${tls}`).toBeLessThan(wallMs);
        if (name === "node") expect(r.timedFrom, "in-process: no process to start").toBeUndefined();
        if (name === "node" || r.timedFrom === "connect") timed.push(r.ms);
        else expect(r.timedFrom).toBe("process-start");
      }
      expect(timed.length, `TLS ${tls}: a handshake timed from its connect`).toBe(1);
    }
  });
  for (const tls of ["1.2", "1.3"] as const) {
    it(`TLS ${tls}: the client certificate is accepted`, async () => {
      const r = await client.handshake({ host, port: s.modern!.port, tls, pki });
      expect(r.outcome).toEqual({ class: "ok" });
      expect(r.ms).toBeGreaterThan(0);
    });
    it(`TLS ${tls}: a stranger is refused with unknown_ca`, async () => {
      const r = await client.handshake({ host, port: s.modern!.port, tls, pki, identity: "stranger" });
      expect(r.outcome).toMatchObject({ class: "server-alert", alert: "unknown_ca" });
    });
    it(`TLS ${tls}: no certificate is refused`, async () => {
      const r = await client.handshake({ host, port: s.modern!.port, tls, pki, identity: "none" });
      expect(r.outcome).toMatchObject({
        class: "server-alert",
        alert: tls === "1.2" ? "handshake_failure" : "certificate_required",
      });
    });
    it(`TLS ${tls}: issuer not advertised → certificate withheld → issuer-not-advertised`, async () => {
      const seen = await probe({ host, port: s.hidden!.port, tls });
      const advertised = seen.certificateRequest!.authorities.map((a) => a.der);
      expect(advertised).toHaveLength(prefix.length);
      const r = await emulating.handshake({ host, port: s.hidden!.port, tls, pki, advertised });
      expect(r.outcome.class).toBe("issuer-not-advertised");
      // Its real behaviour ignores the list and gets in: the server does trust the issuer.
      const direct = await client.handshake({ host, port: s.hidden!.port, tls, pki, advertised });
      expect(direct.outcome).toEqual({ class: "ok" });
    });
    it(`TLS ${tls}: issuer not advertised, optional client auth → ok without a certificate`, async () => {
      const seen = await probe({ host, port: s.hiddenOptional!.port, tls });
      const advertised = seen.certificateRequest!.authorities.map((a) => a.der);
      const r = await emulating.handshake({ host, port: s.hiddenOptional!.port, tls, pki, advertised });
      expect(r.outcome).toEqual({ class: "ok" });
    });
    it(`TLS ${tls}: an empty advertised list means any certificate`, async () => {
      const r = await emulating.handshake({ host, port: s.modern!.port, tls, pki, advertised: [] });
      expect(r.outcome).toEqual({ class: "ok" });
    });
  }
});

describe("forge client (legacy model, KB 2801679)", () => {
  const forge = CLIENTS.forge;
  it("presents the certificate whose issuer is advertised", async () => {
    const r = await forge.handshake({ host, port: s.legacy!.port, tls: "1.2", pki });
    expect(r.outcome).toEqual({ class: "ok" });
    expect(r.advertisedDer).toHaveLength(prefix.length + 1);
  });
  it("withholds a stranger (issuer not in the hint): issuer-not-advertised", async () => {
    const r = await forge.handshake({ host, port: s.legacy!.port, tls: "1.2", pki, identity: "stranger" });
    expect(r.outcome).toMatchObject({ class: "issuer-not-advertised" });
    expect((r.outcome as { detail: string }).detail).toContain("handshake_failure");
  });
  it("withholds the client when the server advertises only a prefix without its issuer", async () => {
    const r = await forge.handshake({ host, port: s.hiddenLegacy!.port, tls: "1.2", pki });
    expect(r.outcome.class).toBe("issuer-not-advertised");
    expect(r.advertisedDer?.map((d) => Buffer.from(d).toString("hex"))).toEqual(
      prefix.map((e) => Buffer.from(e.subjectDer).toString("hex")),
    );
  });
  it("no certificate: the server's alert", async () => {
    const r = await forge.handshake({ host, port: s.legacy!.port, tls: "1.2", pki, identity: "none" });
    expect(r.outcome).toMatchObject({ class: "server-alert", alert: "handshake_failure" });
  });
});

describe("-no_ca_names: TLS 1.3 sends an EMPTY certificate_authorities extension (docs/domain.md finding)", () => {
  it("the probe reads it and flags the violation; TLS 1.2 sends an empty list, which is legal", async () => {
    const r13 = await probe({ host, port: s.noCaNames!.port, tls: "1.3" });
    expect(r13.outcome).toEqual({ class: "ok" });
    expect(r13.certificateRequest!.authorities).toEqual([]);
    expect(r13.certificateRequest!.violations?.[0]).toMatch(/empty list/);
    const r12 = await probe({ host, port: s.noCaNames!.port, tls: "1.2" });
    expect(r12.certificateRequest!.authoritiesBytes).toBe(0);
    expect(r12.certificateRequest!.violations).toBeUndefined();
  });
  it("openssl and node accept it; gnutls-cli fails on TLS 1.3 only", async () => {
    for (const name of ["node", "openssl"] as const)
      expect(
        (await CLIENTS[name].handshake({ host, port: s.noCaNames!.port, tls: "1.3", pki })).outcome,
      ).toEqual({
        class: "ok",
      });
    const g13 = await CLIENTS.gnutls.handshake({ host, port: s.noCaNames!.port, tls: "1.3", pki });
    expect(g13.outcome).toMatchObject({ class: "malformed", detail: expect.stringMatching(/decoding/i) });
    const g12 = await CLIENTS.gnutls.handshake({ host, port: s.noCaNames!.port, tls: "1.2", pki });
    expect(g12.outcome).toEqual({ class: "ok" });
  });
});
