import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../../harness/check/check.ts";
import type { ServerStack } from "../../../harness/check/limits.ts";
import { readInput } from "../../../harness/check/read-input.ts";
import { CLIENTS } from "../../../harness/clients/index.ts";
import type { DriverName } from "../../../harness/model/names.ts";
import type { IssuerPolicy } from "../../../harness/model/policy.ts";
import type { TlsVersion } from "../../../harness/model/tls.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { loadCtl } from "../../../harness/roots/load-ctl.ts";
import type { RootStore } from "../../../harness/roots/root-store.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import { rootstores } from "../../support/repo-root.ts";
import { requireHere } from "../../support/require-here.ts";

const CAB = path.join(rootstores, "microsoft/2025-06-16/authrootstl.cab");
const BOTH: TlsVersion[] = ["1.2", "1.3"];
/** The real clients: Java refuses the whole list (32,768 B cap), Go selects by the advertised issuers. */
const CLIENTS_USED = ["openssl", "node", "gnutls", "java", "go"] as const;
/** How each predicted client verdict shows in the harness's outcome vocabulary. */
const OBSERVED = {
  accepts: "ok",
  refuses: "excessive-size",
  "no-certificate": "issuer-not-advertised",
  // Never expected: a prediction the check could not make fails the comparison with this text.
  "not-measured": "a handshake outcome, but the check had no limit measured on this client's version",
} as const;

/**
 * Issue 15's done-when, against real runs: what `rootload check authrootstl.cab` predicts for the
 * whole 2025-06 CTL is what nginx (OpenSSL family), gnutls-serv and a Schannel-style truncation
 * (the harness's `schannel` policy on the Node server, which keeps every name) put on the wire, and
 * the openssl, node, gnutls, Java and Go clients fare as predicted: Java refuses the whole list
 * (excessive-size), Go takes it, and both send no certificate where the issuer is cut.
 */
describe("rootload check on the 2025-06 Microsoft CTL, against real servers", () => {
  let runtime: ProcessRuntime;
  let pki: TestPki;
  let store: RootStore;
  beforeAll(async () => {
    runtime = new ProcessRuntime();
    pki = await sharedTestPki();
    // The CTL whole, then the test PKI's client CA last (an enterprise CA): the server must trust
    // the client to finish a handshake, and last is where Schannel's truncation cuts it.
    const ctl = loadCtl({ kind: "ctl", path: CAB, includeDisabled: true });
    store = ctl.withEntries([...ctl.entries, pki.clientIssuerEntry]);
  });
  afterAll(async () => {
    await Promise.all(CLIENTS_USED.map((c) => CLIENTS[c].close()));
    await runtime?.close();
  });

  const cases: { driver: DriverName; stack: ServerStack; policy: IssuerPolicy }[] = [
    { driver: "nginx", stack: "nginx", policy: { kind: "all" } },
    { driver: "gnutls", stack: "gnutls", policy: { kind: "all" } },
    { driver: "haproxy", stack: "haproxy", policy: { kind: "all" } },
    {
      driver: "node",
      stack: "schannel",
      policy: { kind: "truncate-bytes", bytes: 16_384, preset: "schannel" },
    },
  ];
  for (const c of cases)
    it(`${c.stack}: predicted verdict, names, bytes and client outcomes hold on the wire (${c.driver})`, async ({
      skip,
    }) => {
      const a = await DRIVERS[c.driver].available(runtime);
      requireHere({ skip }, c.driver, a.ok ? undefined : a.reason);
      const input = readInput(CAB);
      expect(input.advertise.length).toBe(514);
      const report = check(
        { ...input, advertise: store.entries },
        {
          servers: [c.stack],
          tls: BOTH,
          clients: CLIENTS_USED,
          issuerSubject: pki.clientIssuerEntry.subjectDer,
        },
      );
      const server = await DRIVERS[c.driver].start(
        { store, policy: c.policy, tls: BOTH, clientAuth: "require", pki },
        runtime,
      );
      try {
        for (const tls of BOTH) {
          const v = report.servers.find((s) => s.tls === tls)!;
          expect(v.verdict).toBe(c.stack === "schannel" ? "truncates" : "sends");
          if (c.stack === "schannel") expect(v.sent.entries.length).toBe(153);
          const seen = await probe({ host: server.host, port: server.port, tls });
          expect(seen.outcome.class, `${c.stack} TLS ${tls}`).toBe("ok");
          expect(seen.certificateRequest!.authorities.length, `${c.stack} TLS ${tls} names`).toBe(
            v.sent.entries.length,
          );
          expect(seen.certificateRequest!.authoritiesBytes, `${c.stack} TLS ${tls} bytes`).toBe(
            v.sent.entries.reduce((n, e) => n + e.caNameBytes, 0),
          );
          if (v.messageBytes !== undefined)
            expect(seen.certificateRequest!.messageBytes).toBe(v.messageBytes);
          const wire = seen.certificateRequest!.authorities.map((x) => Buffer.from(x.der).toString("hex"));
          const at = wire.indexOf(Buffer.from(pki.clientIssuerEntry.subjectDer).toString("hex"));
          expect(report.issuer![0]!.advertised, "client issuer advertised").toBe(at >= 0);
          if (at >= 0) expect(report.issuer![0]!.position).toBe(at + 1);
          // The whole wire order, name by name (HAProxy's sort included).
          expect(wire).toEqual(v.sent.entries.map((e) => Buffer.from(e.subjectDer).toString("hex")));
          for (const client of CLIENTS_USED) {
            const r = await CLIENTS[client].handshake({ host: server.host, port: server.port, tls, pki });
            const want = report.clients.find((x) => x.client === client && x.tls === tls)!;
            process.stdout.write(
              `check vs wire, 2025 CTL: ${client} client vs ${c.stack} TLS ${tls}: predicted ${want.verdict} (${want.reason}), observed ${r.outcome.class}\n`,
            );
            expect(r.outcome.class, `${client} client vs ${c.stack} TLS ${tls}`).toBe(OBSERVED[want.verdict]);
          }
        }
      } finally {
        await server.stop();
      }
    });
});
