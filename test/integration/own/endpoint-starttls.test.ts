import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";
import { missingHere, skipHere } from "../../support/require-here.ts";
import { mozillaRoots } from "../../support/root-data.ts";
import { readCases, runDir } from "../../support/run-files.ts";
import { startStartTlsServer, startTlsServerUnavailable } from "../../support/starttls-servers.ts";
import { makeUserPki } from "../../support/user-pki.ts";

/**
 * An operator's mail and directory servers as endpoints with `starttls`: `rootload run` runs the
 * prelude before the probe and before every client's handshake.
 */
describe("endpoint with starttls: a running Exim and slapd", () => {
  const pki = makeUserPki();
  const roots = mozillaRoots().slice(0, 40);

  for (const [protocol, clients] of [
    ["smtp", ["node", "openssl", "gnutls", "curl"]],
    ["ldap", ["node", "openssl", "gnutls"]],
  ] as const)
    it.skipIf(skipHere(`${protocol} server`, startTlsServerUnavailable(protocol)))(
      `${protocol}: every case reads the operator's 41 names and logs in`,
      async () => {
        missingHere(`${protocol} server`, startTlsServerUnavailable(protocol));
        await using server = await startStartTlsServer(protocol, {
          caPem: roots.map((r) => r.toPem()).join("") + pki.caPem,
          certPem: readFileSync(pki.file("server.pem"), "utf8"),
          keyPem: readFileSync(pki.file("server.key"), "utf8"),
        });
        const work = await mkdtemp(path.join(tmpdir(), "rootload-endpoint-starttls-"));
        const scenario = path.join(work, `${protocol}.scenario.json`);
        writeFileSync(
          scenario,
          JSON.stringify({
            name: `mail-${protocol}`,
            servers: [
              {
                driver: "endpoint",
                address: `127.0.0.1:${server.port}`,
                starttls: protocol,
                tls: ["1.2", "1.3"],
              },
            ],
            clients,
            identity: {
              cert: pki.file("client.pem"),
              key: pki.file("client.key"),
              issuer: pki.file("ca.pem"),
            },
            latency: false, // outcomes and lists only
            expect: [{ outcome: "ok", clientIssuerAdvertised: true }],
          }),
        );
        const out = path.join(work, "out");
        const r = await runCli(["run", scenario, "--out", out, "--quiet"]);
        expect(r.code, `${r.stderr.slice(-800)}\n${server.logs().slice(-800)}`).toBe(0);
        const got = readCases(runDir(out));
        expect(got).toHaveLength(clients.length * 2);
        for (const c of got) {
          expect(c.outcome.class, c.id).toBe("ok");
          expect(c.advertised?.count, c.id).toBe(41);
          expect(c.advertised?.names?.at(-1)).toBe(pki.caSubject);
          expect(c.clientIssuerAdvertised).toBe(true);
        }
      },
      120_000,
    );
});
