import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type TlsClient } from "../../../harness/clients/index.ts";
import { removeIdentityFiles } from "../../../harness/clients/pki-files.ts";
import type { ClientName } from "../../../harness/model/names.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { ContainerRuntime, containerEngineReady } from "../../../harness/runtime/container-runtime.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { Runtime } from "../../../harness/runtime/runtime.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { opensslServer } from "../../support/openssl-driver.ts";
import { missingHere } from "../../support/require-here.ts";
import { microsoftRoots } from "../../support/root-data.ts";

/**
 * The real clients (java, go, python, curl) against real `openssl s_server`s, in the process
 * runtime (host binaries) and, for java and go, in the container runtime (the image's JRE and Go
 * binary, host network). A client missing here is skipped with its reason, except under CI=true,
 * where everything must be present.
 */
const host = "127.0.0.1";
let pki: TestPki;
let serverRuntime: ProcessRuntime;
const s: Record<string, StartedTlsServer> = {};
const roots = microsoftRoots();
const prefix = roots.slice(0, 20);

beforeAll(async () => {
  pki = await sharedTestPki();
  serverRuntime = new ProcessRuntime();
  const issuer = pki.clientIssuerEntry;
  const [small, hidden, big] = await Promise.all([
    opensslServer(pki, [...prefix, issuer]).start(serverRuntime),
    // Advertise a prefix without the client issuer; verify against everything (DESIGN "prefix").
    opensslServer(pki, [issuer, ...prefix])
      .withIssuerPolicy({ kind: "explicit", subjects: prefix.map((e) => e.subjectDer) })
      .start(serverRuntime),
    // 500 real roots: a CertificateRequest of about 55 KB, past Java's 32,768-byte default.
    opensslServer(pki, [...roots.slice(0, 499), issuer]).start(serverRuntime),
  ]);
  Object.assign(s, { small, hidden, big });
});

afterAll(async () => {
  await Promise.all(Object.values(s).map((x) => x.stop()));
  await serverRuntime?.close();
  removeIdentityFiles();
});

const RUNTIMES: { kind: "process" | "container"; clients: ClientName[] }[] = [
  { kind: "process", clients: ["java", "go", "python", "curl"] },
  { kind: "container", clients: ["java", "go"] },
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
    const javaRaised = () =>
      createClient({ name: "java", properties: { "jdk.tls.maxHandshakeMessageSize": "65536" } }, { runtime });
    beforeAll(async () => {
      client = createClient(name, { runtime });
      if (skip) {
        why = skip;
        return;
      }
      const a = await client.availability();
      if (!a.ok) {
        why = missingHere(`${name} in the ${kind} runtime`, a.reason);
      }
    }, 600_000);
    afterAll(async () => {
      await client?.close();
    });
    const live = (title: string, fn: () => Promise<void>) =>
      it(title, async (ctx) => {
        if (why) return ctx.skip(why);
        await fn();
      }, 120_000);

    live("declares its selection and reports a version", async () => {
      expect(client.selection).toBe(name === "java" || name === "go" ? "by-issuer-list" : "always");
      if (client.version) expect(await client.version()).toMatch(/\d/);
    });

    for (const tls of ["1.2", "1.3"] as const) {
      live(`TLS ${tls}: the client certificate is accepted`, async () => {
        const r = await client.handshake({ host, port: s.small!.port, tls, pki });
        expect(r.outcome).toEqual({ class: "ok" });
        expect(r.ms).toBeGreaterThan(0);
        if (name === "java" || name === "go")
          expect(r.certificate).toEqual({ sent: true, issuersSeen: prefix.length + 1 });
      });

      live(`TLS ${tls}: no certificate is refused by the server`, async () => {
        const r = await client.handshake({ host, port: s.small!.port, tls, pki, identity: "none" });
        expect(r.outcome).toMatchObject({
          class: "server-alert",
          alert: tls === "1.2" ? "handshake_failure" : "certificate_required",
        });
      });

      live(`TLS ${tls}: client issuer not advertised`, async () => {
        const r = await client.handshake({ host, port: s.hidden!.port, tls, pki });
        if (name === "java" || name === "go") {
          // The client's own selection sent nothing, and the server's alert says so.
          expect(r.outcome.class).toBe("issuer-not-advertised");
          expect(r.certificate).toEqual({ sent: false, issuersSeen: prefix.length });
          expect((r.outcome as { detail: string }).detail).toContain(
            tls === "1.2" ? "handshake_failure" : "certificate_required",
          );
        } else {
          // python and curl send the configured certificate whatever the list says.
          expect(r.outcome).toEqual({ class: "ok" });
        }
      });

      live(`TLS ${tls}: a CertificateRequest of about 55 KB`, async () => {
        const r = await client.handshake({ host, port: s.big!.port, tls, pki });
        if (name === "java") {
          // JSSE's default jdk.tls.maxHandshakeMessageSize (32,768 bytes) refuses it, client-side.
          expect(r.outcome).toMatchObject({ class: "excessive-size", side: "client" });
          expect((r.outcome as { detail: string }).detail).toMatch(
            /The size of the handshake message \(5\d{4}\) exceeds the maximum allowed size \(32768\)/,
          );
          const raised = javaRaised();
          try {
            expect(raised.label).toBe("java+maxHandshakeMessageSize=65536");
            expect((await raised.handshake({ host, port: s.big!.port, tls, pki })).outcome).toEqual({
              class: "ok",
            });
          } finally {
            await raised.close();
          }
        } else {
          expect(r.outcome).toEqual({ class: "ok" });
        }
      });
    }

    live("feeds many handshakes to one process (no start-up per handshake, no resumption)", async () => {
      const results = [];
      for (let i = 0; i < 5; i++)
        results.push(await client.handshake({ host, port: s.small!.port, tls: "1.3", pki }));
      expect(results.map((r) => r.outcome.class)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
      // A resumed TLS 1.3 handshake carries no CertificateRequest: the selection would not run.
      if (name === "java" || name === "go")
        expect(results.map((r) => r.certificate?.issuersSeen)).toEqual(Array(5).fill(prefix.length + 1));
    });
  });
});
