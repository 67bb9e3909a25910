import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opensslAcceptableCaNames } from "../../../harness/clients/openssl-client.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { caListBytes, RootEntry } from "../../../harness/roots/root-store.ts";
import { syntheticCaList } from "../../fixtures/synthetic-roots.ts";
import { microsoftRoots } from "../../support/root-data.ts";

// In-process Node servers: node:tls is OpenSSL too, loaded through `ca` (SSL_CTX_add_client_CA).
let pki: TestPki;
const servers = new Map<string, { server: Server; port: number; entries: RootEntry[] }>();
const real = microsoftRoots();

async function start(label: string, entries: RootEntry[]): Promise<void> {
  const server = createServer({
    key: pki.server.keyPem,
    cert: pki.server.certPem,
    ca: entries.map((e) => e.toPem()),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.set(label, { server, port: (server.address() as { port: number }).port, entries });
}

beforeAll(async () => {
  pki = await sharedTestPki();
  await start("1", [pki.clientIssuerEntry]);
  await start("100", [pki.clientIssuerEntry, ...real.slice(0, 99)]);
  await start("all", [pki.clientIssuerEntry, ...real]);
  await start(
    "65,535 bytes",
    syntheticCaList(65_535).map((d) => new RootEntry(d)),
  );
});

afterAll(async () => {
  await Promise.all([...servers.values()].map(({ server }) => new Promise((r) => server.close(r))));
});

describe("probe against an in-process node:tls server", () => {
  for (const label of ["1", "100", "all"]) {
    for (const tls of ["1.2", "1.3"] as const) {
      it(`${label} CA names, TLS ${tls}: equals s_client and the configured DER`, async () => {
        const { port, entries } = servers.get(label)!;
        const r = await probe({ host: "127.0.0.1", port, tls });
        expect(r.outcome).toEqual({ class: "ok" });
        const cr = r.certificateRequest!;
        expect(cr.authorities.map((a) => a.name)).toEqual(
          await opensslAcceptableCaNames("127.0.0.1", port, tls),
        );
        expect(cr.authorities.map((a) => Buffer.from(a.der).toString("hex"))).toEqual(
          entries.map((e) => Buffer.from(e.subjectDer).toString("hex")),
        );
        expect(cr.authoritiesBytes).toBe(caListBytes(entries));
      });
    }
  }

  it("65,535 bytes: TLS 1.2 carries the list, TLS 1.3 gets internal_error", async () => {
    const { port } = servers.get("65,535 bytes")!;
    const r12 = await probe({ host: "127.0.0.1", port, tls: "1.2" });
    expect(r12.outcome).toEqual({ class: "ok" });
    expect(r12.certificateRequest!.authoritiesBytes).toBe(65_535);
    const r13 = await probe({ host: "127.0.0.1", port, tls: "1.3" });
    expect(r13.outcome).toMatchObject({ class: "server-alert", alert: "internal_error" });
  });
});
