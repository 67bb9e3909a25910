import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS } from "../../../harness/clients/index.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { CLIENT_TLS } from "../../../harness/run/plan.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { missingHere, skipHere } from "../../support/require-here.ts";
import {
  type RunningStartTlsServer,
  startStartTlsServer,
  startTlsServerUnavailable,
} from "../../support/starttls-servers.ts";

// The java, go and python clients are persistent processes: one each for the whole file.
afterAll(async () => {
  for (const c of ["java", "go", "python"] as const) await CLIENTS[c].close();
});

/**
 * Clients that speak the server's protocol (model/application.ts). slapd over LDAPS with
 * `TLSVerifyClient demand` is a real TLS server that speaks no HTTP. A GET after the handshake is
 * not LDAP: slapd reads "G" (0x47) as a tag and "E" (0x45) as a 69-byte length and waits for
 * bytes that never come (measured, slapd 2.5.13: no close within the clients' 500 ms verdict
 * window); a broker or key-value store closes instead, and the client reported `reset`. Silent,
 * the clients hear only the server's verdict on their certificate.
 */
describe.skipIf(skipHere("ldap server", startTlsServerUnavailable("ldap")))(
  "a client's step after the handshake fits the server's protocol (slapd 2.5 over LDAPS)",
  () => {
    let pki: TestPki;
    let ldaps: RunningStartTlsServer;

    beforeAll(async () => {
      missingHere("ldap server", startTlsServerUnavailable("ldap"));
      pki = await sharedTestPki();
      const store = await storeOfBytes(3_000, [pki.clientIssuerEntry]);
      ldaps = await startStartTlsServer("ldap", {
        certPem: pki.server.certPem,
        keyPem: pki.server.keyPem,
        caPem: store.toPem(),
        implicitTls: true,
      });
    }, 60_000);
    afterAll(async () => {
      await ldaps?.close();
    });

    // Every persistent client that sends a GET to web servers: silent here (mbed TLS: TLS 1.2 only).
    for (const name of [
      "java",
      "go",
      "python",
      "mbedtls",
      "wolfssl",
      "rustls",
      "erlang",
      "bouncycastle",
    ] as const)
      it(`${name}: silent to a raw TLS server (application none): the client gets in, the stranger does not`, async (ctx) => {
        if (!(await CLIENTS[name].available()))
          return ctx.skip(missingHere(`client ${name}`, "not installed"));
        for (const tls of CLIENT_TLS[name]) {
          const o = { host: ldaps.host, port: ldaps.port, tls, pki } as const;
          const none = await CLIENTS[name].handshake({ ...o, application: "none" });
          expect(none.outcome, `${name} TLS ${tls}, application none`).toEqual({ class: "ok" });
          // The server's verdict still shows when the step is silent: the stranger is refused.
          const stranger = await CLIENTS[name].handshake({ ...o, application: "none", identity: "stranger" });
          expect(stranger.outcome.class, `${name} TLS ${tls} stranger`).not.toBe("ok");
        }
      }, 60_000);

    it("curl has nothing to say to a raw TLS server: client-unavailable at once, not a request and a wait", async () => {
      const t0 = performance.now();
      const r = await CLIENTS.curl.handshake({
        host: ldaps.host,
        port: ldaps.port,
        tls: "1.3",
        pki,
        application: "none",
      });
      expect(r.outcome.class).toBe("client-unavailable");
      expect(JSON.stringify(r.outcome)).toMatch(/curl has nothing to say to a none server/);
      expect(performance.now() - t0).toBeLessThan(1_000);
    });
  },
);

describe("the drivers declare their protocol, and clients meet it (process runtime)", () => {
  let rt: ProcessRuntime;
  let pki: TestPki;
  let stunnel: StartedTlsServer | undefined;
  let unavailable: string | undefined;

  beforeAll(async () => {
    rt = new ProcessRuntime();
    pki = await sharedTestPki();
    const a = await DRIVERS.stunnel.available(rt);
    unavailable = missingHere("stunnel", a.ok ? undefined : a.reason);
    if (unavailable) return;
    stunnel = await DRIVERS.stunnel.start(
      {
        store: await storeOfBytes(3_000, [pki.clientIssuerEntry]),
        policy: { kind: "all" },
        tls: ["1.2", "1.3"],
        clientAuth: "require",
        pki,
      },
      rt,
    );
  }, 90_000);
  afterAll(async () => {
    await rt?.close();
  });

  it("stunnel in front of cat is raw TLS: java and go stay silent and get in; curl is not run (it waited 10 s on the echo)", async (ctx) => {
    if (unavailable) return ctx.skip(unavailable);
    expect(stunnel!.application).toBe("none");
    for (const name of ["java", "go"] as const) {
      if (!(await CLIENTS[name].available())) continue;
      const r = await CLIENTS[name].handshake({
        host: stunnel!.host,
        port: stunnel!.port,
        tls: "1.3",
        pki,
        application: stunnel!.application!,
      });
      expect(r.outcome, name).toEqual({ class: "ok" });
    }
    const t0 = performance.now();
    const curl = await CLIENTS.curl.handshake({
      host: stunnel!.host,
      port: stunnel!.port,
      tls: "1.3",
      pki,
      application: stunnel!.application!,
    });
    expect(curl.outcome.class).toBe("client-unavailable");
    expect(performance.now() - t0).toBeLessThan(1_000);
  }, 60_000);
});
