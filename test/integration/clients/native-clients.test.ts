import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { covers, describeOn } from "../../../harness/check/limit-lookup.ts";
import { CLIENT_PROFILES, SERVER_PROFILES } from "../../../harness/check/limits.ts";
import { requestSizeFor } from "../../../harness/check/verdict.ts";
import { createClient, type TlsClient } from "../../../harness/clients/index.ts";
import type { ClientName } from "../../../harness/model/names.ts";
import type { TlsVersion } from "../../../harness/model/tls.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { CLIENT_TLS } from "../../../harness/run/plan.ts";
import { ContainerRuntime, containerEngineReady } from "../../../harness/runtime/container-runtime.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { Runtime } from "../../../harness/runtime/runtime.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { unmeasured } from "../../support/measured-limits.ts";
import { missingHere } from "../../support/require-here.ts";

/**
 * The embedded and Rust clients (mbed TLS, wolfSSL: small C programs on Debian's libraries; rustls:
 * built offline from Debian's crates) against a real `openssl s_server` with exact-size synthetic
 * lists: a handshake with and without the certificate, the issuer cut from the list (what the
 * client's selection does, measured), and each client's limit from the limits table for the
 * version it reports, at the boundary and one byte past it. A client missing here is skipped with
 * its reason, except under CI=true; a version the table has no entry for fails in CI.
 */
const host = "127.0.0.1";
const NATIVE: ClientName[] = ["mbedtls", "wolfssl", "rustls"];
/** How each refuses one byte past its cap (rustls words it as a corrupt message). */
const PAST_CAP: Record<string, string> = {
  mbedtls: "excessive-size",
  wolfssl: "excessive-size",
  rustls: "malformed",
};
const PAST_CAP_TEXT: Record<string, RegExp> = {
  mbedtls: /TLS handshake fragmentation not supported/,
  wolfssl: /^wolfssl -404: Handshake message too large/,
  rustls: /received corrupt message of type Handshake/,
};

let pki: TestPki;
let serverRuntime: ProcessRuntime;
let server: StartedTlsServer | undefined;
let noServer: string | undefined;
/** The list the server holds now (bytes; "cut": the issuer left out of what is advertised). */
let loaded = "";

async function load(bytes: number, issuer: "listed" | "cut"): Promise<void> {
  const key = `${bytes}/${issuer}`;
  if (loaded === key) return;
  const store = await storeOfBytes(bytes, [pki.clientIssuerEntry]);
  const advertised = store.entries.filter((e) => e !== pki.clientIssuerEntry).map((e) => e.subjectDer);
  await server!.reload(
    store,
    issuer === "cut" ? { kind: "explicit", subjects: advertised } : { kind: "all" },
  );
  loaded = key;
}

beforeAll(async () => {
  pki = await sharedTestPki();
  serverRuntime = new ProcessRuntime();
  const a = await DRIVERS.openssl.available(serverRuntime);
  if (!a.ok) {
    noServer = missingHere("openssl", a.reason);
    return;
  }
  server = await DRIVERS.openssl.start(
    {
      store: await storeOfBytes(3_000, [pki.clientIssuerEntry]),
      policy: { kind: "all" },
      tls: ["1.2", "1.3"],
      clientAuth: "require",
      pki,
    },
    serverRuntime,
  );
  loaded = "3000/listed";
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await serverRuntime?.close();
});

const RUNTIMES: { kind: "process" | "container"; clients: ClientName[] }[] = [
  { kind: "process", clients: NATIVE },
  // The C clients are copied into the image; rustls runs on the host in both runtimes.
  { kind: "container", clients: ["mbedtls", "wolfssl"] },
];

describe.each(RUNTIMES)("$kind runtime", ({ kind, clients }) => {
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

  describe.each(clients)("%s", (name) => {
    let client: TlsClient;
    let why: string | undefined;
    beforeAll(async () => {
      client = createClient(name, { runtime });
      why = noServer ?? skip;
      if (why) return;
      const a = await client.availability();
      if (!a.ok) why = missingHere(`${name} in the ${kind} runtime`, a.reason);
    }, 900_000);
    afterAll(async () => {
      await client?.close();
    });
    const live = (title: string, fn: (skipWith: (note: string) => never) => Promise<void>) =>
      it(title, async (ctx) => {
        if (why) return ctx.skip(why);
        await fn((note) => {
          ctx.skip(note);
          throw new Error(note);
        });
      }, 120_000);

    live("sends its certificate whatever the list says, and reports a version", async () => {
      expect(client.selection).toBe("always");
      expect(await client.version?.()).toMatch(/\d+\.\d+\.\d+/);
    });

    for (const tls of CLIENT_TLS[name]) {
      live(`TLS ${tls}: the certificate is accepted, and refused when none is sent`, async () => {
        await load(3_000, "listed");
        const r = await client.handshake({ host, port: server!.port, tls, pki });
        expect(r.outcome).toEqual({ class: "ok" });
        expect(r.ms).toBeGreaterThan(0);
        // 3,000 B of synthetic names plus the client issuer: what the library handed out.
        if (name === "rustls" || (name === "wolfssl" && tls === "1.2"))
          expect(r.certificate).toEqual({ sent: true, issuersSeen: 24 });
        if (name === "wolfssl" && tls === "1.3")
          // wolfSSL 5.5 hands out no TLS 1.3 certificate_authorities names.
          expect(r.certificate).toEqual({ sent: true, issuersSeen: 0 });
        const none = await client.handshake({ host, port: server!.port, tls, pki, identity: "none" });
        expect(none.outcome.class).not.toBe("ok");
        if (!(name === "wolfssl" && tls === "1.3"))
          expect(none.outcome).toMatchObject({
            class: "server-alert",
            alert: tls === "1.2" ? "handshake_failure" : "certificate_required",
          });
      });

      live(
        `TLS ${tls}: its issuer cut from the list, it still sends the certificate and gets in`,
        async () => {
          await load(3_000, "cut");
          const r = await client.handshake({ host, port: server!.port, tls, pki });
          expect(r.outcome).toEqual({ class: "ok" });
          if (name === "rustls" || (name === "wolfssl" && tls === "1.2"))
            expect(r.certificate).toEqual({ sent: true, issuersSeen: 23 });
        },
      );

      live(`TLS ${tls}: the limits table's cap for the version found, ±1 byte`, async (skipWith) => {
        const cap = CLIENT_PROFILES[name as "mbedtls" | "wolfssl" | "rustls"].maxBodyBytes!;
        const version = /(\d+\.\d+\.\d+)/.exec((await client.version?.()) ?? "")?.[1];
        if (!version || !covers(cap.on, version))
          return unmeasured(
            `${name} ${version ?? "(no version reported)"}: its CertificateRequest cap is not measured on this version (the table has ${describeOn(cap.on)}): bisect it (scenarios/native-boundary.scenario.ts) and add an entry to harness/check/limits.ts`,
            skipWith,
          );
        const overhead = requestSizeFor(SERVER_PROFILES.openssl, tls as TlsVersion, 0).bodyBytes;
        const atCap = cap.bytes - overhead;
        await load(atCap, "listed");
        const at = await client.handshake({ host, port: server!.port, tls, pki });
        expect(at.outcome, `${name} TLS ${tls}, body ${cap.bytes} B`).toEqual({ class: "ok" });
        await load(atCap + 1, "listed");
        const past = await client.handshake({ host, port: server!.port, tls, pki });
        expect(past.outcome, `${name} TLS ${tls}, body ${cap.bytes + 1} B`).toMatchObject({
          class: PAST_CAP[name],
          side: "client",
        });
        expect((past.outcome as { detail: string }).detail).toMatch(PAST_CAP_TEXT[name]!);
      });
    }

    live("feeds many handshakes to one process (no start-up per handshake, no resumption)", async () => {
      await load(3_000, "listed");
      const tls = CLIENT_TLS[name].at(-1)!;
      const results = [];
      for (let i = 0; i < 5; i++)
        results.push(await client.handshake({ host, port: server!.port, tls, pki }));
      expect(results.map((r) => r.outcome.class)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
      if (name === "rustls")
        expect(results.map((r) => r.certificate?.issuersSeen)).toEqual(Array(5).fill(24));
    });
  });
});
