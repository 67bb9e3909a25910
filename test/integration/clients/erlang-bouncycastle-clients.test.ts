import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_PROFILES, SERVER_PROFILES } from "../../../harness/check/limits.ts";
import { requestSizeFor } from "../../../harness/check/verdict.ts";
import { createClient, type TlsClient } from "../../../harness/clients/index.ts";
import { NATIVE_SELECTION } from "../../../harness/model/client-spec.ts";
import type { TlsVersion } from "../../../harness/model/tls.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { ContainerRuntime, containerEngineReady } from "../../../harness/runtime/container-runtime.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { Runtime } from "../../../harness/runtime/runtime.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { opensslServer } from "../../support/openssl-driver.ts";
import { missingHere } from "../../support/require-here.ts";
import { microsoftRoots } from "../../support/root-data.ts";

/**
 * The Erlang/OTP ssl and BouncyCastle JSSE clients against real `openssl s_server`s, in the
 * process runtime (host packages) and the container runtime (the image's OTP and BC jars): what
 * each sends, what it saw, its selection, and its size limit one byte either side, derived from
 * the limits table (harness/check/limits.ts) and the OpenSSL server's CertificateRequest shape.
 * A client or engine missing here skips with its reason, except under CI=true.
 */
const host = "127.0.0.1";
const BOTH: TlsVersion[] = ["1.2", "1.3"];
let pki: TestPki;
let serverRuntime: ProcessRuntime;
const s: Record<string, StartedTlsServer> = {};
const prefix = microsoftRoots().slice(0, 20);

/** The CA-list bytes at which an OpenSSL CertificateRequest body is `body` bytes. */
const listForBody = (tls: TlsVersion, body: number) =>
  body - requestSizeFor(SERVER_PROFILES.openssl, tls, 0).bodyBytes;

/** A server whose list puts the CertificateRequest body at exactly `body` bytes on `tls`. */
async function serverAtBody(tls: TlsVersion, body: number): Promise<StartedTlsServer> {
  const store = await storeOfBytes(listForBody(tls, body), [pki.clientIssuerEntry]);
  return opensslServer(pki, store.entries).withTls([tls]).start(serverRuntime);
}

beforeAll(async () => {
  pki = await sharedTestPki();
  serverRuntime = new ProcessRuntime();
  const issuer = pki.clientIssuerEntry;
  const [small, hidden] = await Promise.all([
    opensslServer(pki, [...prefix, issuer]).start(serverRuntime),
    // Advertise a prefix without the client issuer; verify against everything (DESIGN "prefix").
    opensslServer(pki, [issuer, ...prefix])
      .withIssuerPolicy({ kind: "explicit", subjects: prefix.map((e) => e.subjectDer) })
      .start(serverRuntime),
  ]);
  Object.assign(s, { small, hidden });
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(s).map((x) => x.stop()));
  await serverRuntime?.close();
});

const RUNTIMES = ["process", "container"] as const;

describe.each(RUNTIMES)("%s runtime", (kind) => {
  let runtime: Runtime | undefined;
  let skip: string | undefined;
  beforeAll(async () => {
    if (kind !== "container") return;
    const ready = await containerEngineReady();
    if (!ready.ok) {
      skip = missingHere("container runtime", ready.reason);
      return;
    }
    runtime = await ContainerRuntime.create();
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
  });

  describe.each(["erlang", "bouncycastle"] as const)("%s", (name) => {
    let client: TlsClient;
    let why: string | undefined;
    beforeAll(async () => {
      client = createClient(name, { runtime });
      if (skip) {
        why = skip;
        return;
      }
      const a = await client.availability();
      if (!a.ok) why = missingHere(`${name} in the ${kind} runtime`, a.reason);
    }, 600_000);
    afterAll(async () => {
      await client?.close();
    });
    const live = (title: string, fn: () => Promise<void>) =>
      it(title, async (ctx) => {
        if (why) return ctx.skip(why);
        await fn();
      }, 180_000);

    live("declares its selection and reports its version", async () => {
      expect(client.selection).toBe(name === "bouncycastle" ? "by-issuer-list" : "always");
      expect(NATIVE_SELECTION[name]).toBe(client.selection);
      expect(await client.version!()).toMatch(
        name === "erlang" ? /OTP \d+, ssl \d+\./ : /BCJSSE .*bcprov 1\.\d+/,
      );
    });

    for (const tls of BOTH) {
      live(`TLS ${tls}: the certificate goes out and is accepted; the names seen are counted`, async () => {
        const r = await client.handshake({ host, port: s.small!.port, tls, pki });
        expect(r.outcome).toEqual({ class: "ok" });
        expect(r.certificate).toEqual({ sent: true, issuersSeen: prefix.length + 1 });
      });

      live(`TLS ${tls}: no certificate is refused by the server (the side named)`, async () => {
        const r = await client.handshake({ host, port: s.small!.port, tls, pki, identity: "none" });
        expect(r.outcome).toMatchObject({
          class: "server-alert",
          alert: tls === "1.2" ? "handshake_failure" : "certificate_required",
        });
        expect(r.certificate?.sent).toBe(false);
      });

      live(`TLS ${tls}: client issuer not advertised`, async () => {
        const r = await client.handshake({ host, port: s.hidden!.port, tls, pki });
        if (name === "bouncycastle") {
          // BCJSSE's key manager chose no alias for the names offered: nothing went out.
          expect(r.outcome.class).toBe("issuer-not-advertised");
          expect(r.certificate).toEqual({ sent: false, issuersSeen: prefix.length });
        } else {
          // OTP sends its certfile whatever the list says; the server trusts the issuer anyway.
          expect(r.outcome).toEqual({ class: "ok" });
          expect(r.certificate).toEqual({ sent: true, issuersSeen: prefix.length });
        }
      });
    }

    live("feeds many handshakes to one process (no start-up per handshake, no resumption)", async () => {
      const results = [];
      for (let i = 0; i < 4; i++)
        for (const tls of BOTH) results.push(await client.handshake({ host, port: s.small!.port, tls, pki }));
      expect(results.map((r) => r.outcome.class)).toEqual(Array(8).fill("ok"));
      // A resumed handshake carries no CertificateRequest: the names would not be seen again.
      expect(results.map((r) => r.certificate?.issuersSeen)).toEqual(Array(8).fill(prefix.length + 1));
    });

    for (const tls of BOTH)
      live(`TLS ${tls}: its size limit from the limits table, one byte either side`, async () => {
        const cap = CLIENT_PROFILES[name].maxBodyBytes!;
        // OTP's default (262,144 B) is past anything a CertificateRequest can hold: its rule is
        // measured with the option set lower, as deployments do; BCJSSE's default is measured as is.
        const limit = name === "erlang" ? 32_768 : cap.bytes;
        const c =
          name === "erlang"
            ? createClient(
                { name: "erlang", properties: { max_handshake_size: String(limit) } },
                { ...(runtime ? { runtime } : {}) },
              )
            : client;
        const at = await serverAtBody(tls, limit);
        const past = await serverAtBody(tls, limit + 1);
        try {
          const ok = await c.handshake({ host, port: at.port, tls, pki });
          expect(ok.outcome, `body ${limit} B`).toEqual({ class: "ok" });
          const over = await c.handshake({ host, port: past.port, tls, pki });
          expect(over.outcome, `body ${limit + 1} B`).toMatchObject({
            class: name === "erlang" ? "malformed" : "excessive-size",
            side: "client",
          });
          if (name === "bouncycastle")
            expect((over.outcome as { detail: string }).detail).toContain(`${limit + 1} > ${limit}`);
          else expect((over.outcome as { detail: string }).detail).toContain("malformed_handshake_data");
        } finally {
          await Promise.all([at.stop(), past.stop()]);
          if (c !== client) await c.close();
        }
      });

    if (name === "erlang")
      for (const tls of BOTH)
        live(`TLS ${tls}: with its defaults it takes the largest list OpenSSL sends`, async () => {
          const max =
            tls === "1.2"
              ? SERVER_PROFILES.openssl.limits["1.2"][0]!.maxListBytes
              : SERVER_PROFILES.openssl.limits["1.3"][0]!.maxListBytes;
          const store = await storeOfBytes(max, [pki.clientIssuerEntry]);
          const big = await opensslServer(pki, store.entries).withTls([tls]).start(serverRuntime);
          try {
            const r = await client.handshake({ host, port: big.port, tls, pki });
            expect(r.outcome).toEqual({ class: "ok" });
            expect(r.certificate).toEqual({ sent: true, issuersSeen: store.count });
          } finally {
            await big.stop();
          }
        });
  });
});
