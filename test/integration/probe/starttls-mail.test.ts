import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS } from "../../../harness/clients/index.ts";
import { SPEAKS_STARTTLS } from "../../../harness/model/client-spec.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { runCliInProcess } from "../../support/cli.ts";
import { missingHere, skipHere } from "../../support/require-here.ts";
import { sClientNames } from "../../support/s-client-names.ts";
import {
  type MailProtocol,
  type RunningStartTlsServer,
  startStartTlsServer,
  startTlsServerUnavailable,
} from "../../support/starttls-servers.ts";

/** The parts of `rootload probe --json` read here. */
interface ProbeJson {
  version: string | null;
  outcome: { class: string; detail?: string };
  certificateRequest: { authorities: { name: string }[] } | null;
  timings: { starttlsMs?: number };
}

/** `rootload probe … --json` in this process; its exit code and parsed output. */
async function probeCli(args: string[]): Promise<{ code: number; json: ProbeJson }> {
  const r = await runCliInProcess(["probe", ...args, "--json"]);
  return { code: r.code, json: JSON.parse(r.stdout) };
}

/** A listener that accepts and then says nothing, or sends an HTTP answer: not a mail server at all. */
async function peer(kind: "silent" | "http"): Promise<Server & { port: number }> {
  const sockets = new Set<Socket>();
  const srv = createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
    if (kind === "http") s.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const close = srv.close.bind(srv);
  srv.close = (cb) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  };
  return Object.assign(srv, { port: (srv.address() as { port: number }).port });
}

const PROTOCOLS: readonly MailProtocol[] = ["smtp", "imap", "ldap"];

// python is one interpreter for the whole file.
afterAll(() => CLIENTS.python.close());

for (const protocol of PROTOCOLS) {
  const unavailable = startTlsServerUnavailable(protocol);
  describe.skipIf(skipHere(`${protocol} server`, unavailable))(
    `STARTTLS ${protocol} against a real server`,
    () => {
      let pki: TestPki;
      let server: RunningStartTlsServer;
      let refusing: RunningStartTlsServer;
      let names: number;

      beforeAll(async () => {
        missingHere(`${protocol} server`, unavailable);
        pki = await sharedTestPki();
        const store = await storeOfBytes(6_000, [pki.clientIssuerEntry]);
        names = store.entries.length;
        const tls = { certPem: pki.server.certPem, keyPem: pki.server.keyPem };
        server = await startStartTlsServer(protocol, { ...tls, caPem: store.toPem() });
        refusing = await startStartTlsServer(protocol, tls);
      }, 60_000);
      afterAll(async () => {
        await server?.close();
        await refusing?.close();
      });

      it(`rootload probe --starttls ${protocol} reads the CertificateRequest; names match openssl s_client -starttls ${protocol}`, async () => {
        for (const tls of ["1.2", "1.3"] as const) {
          const { code, json } = await probeCli([
            `127.0.0.1:${server.port}`,
            "--starttls",
            protocol,
            "--tls",
            tls,
          ]);
          expect(code, JSON.stringify(json.outcome)).toBe(0);
          expect(json.version).toBe(tls);
          expect(json.timings.starttlsMs).toBeGreaterThan(0);
          const got = (json.certificateRequest?.authorities ?? []).map((a) => a.name);
          expect(got).toHaveLength(names);
          const oracle = await sClientNames(server.port, tls, protocol);
          expect(oracle.names.length, oracle.out.slice(-600)).toBe(names);
          expect(got).toEqual(oracle.names);
        }
      }, 60_000);

      it("the clients that speak the prelude complete the handshake with the client certificate", async (ctx) => {
        // forge speaks TLS 1.0/1.1 only, which none of these servers accepts.
        const missing: string[] = [];
        for (const name of (["node", "openssl", "gnutls", "curl", "python"] as const).filter((n) =>
          SPEAKS_STARTTLS[n].includes(protocol),
        )) {
          const client = CLIENTS[name];
          if (!(await client.available())) {
            // The other clients still run; the missing one is named (or, in CI, fails the test).
            missing.push(missingHere(`client ${name}`, "not installed")!);
            continue;
          }
          for (const tls of ["1.2", "1.3"] as const) {
            const r = await client.handshake({
              host: "127.0.0.1",
              port: server.port,
              tls,
              pki,
              starttls: protocol,
              timeoutMs: 10_000,
            });
            expect(r.outcome, `${name} TLS ${tls}: ${server.logs().slice(-400)}`).toEqual({ class: "ok" });
            // node's TLS 1.2 verdict is the handshake itself, and these GnuTLS (Exim, slapd) and
            // Dovecot servers judge the certificate after it: only the CLI clients, which read on, tell.
            if (name === "node") continue;
            // gnutls-cli ends a TLS 1.2 session at "Handshake was completed" (it does not read on),
            // and slapd judges the certificate after the handshake: whether its close is seen
            // first is a race (measured: 1 run in 5 ends ok on a quiet machine, 2026-11-28). The
            // stranger's verdict there is the other clients'.
            if (name === "gnutls" && tls === "1.2" && protocol === "ldap") continue;
            const stranger = await client.handshake({
              host: "127.0.0.1",
              port: server.port,
              tls,
              pki,
              identity: "stranger",
              starttls: protocol,
              timeoutMs: 10_000,
            });
            // Measured: Exim sends bad_certificate, slapd closes without an alert, Dovecot completes
            // TLS and refuses at login (the handshake alone lets a stranger through).
            expect(stranger.outcome.class, `${name} TLS ${tls} stranger`).toBe(
              { smtp: "server-alert", ldap: "reset", imap: "ok" }[protocol],
            );
          }
        }
        // Checked with the clients present; the test says which were not (never a silent pass).
        if (missing.length > 0) ctx.skip(missing.join("; "));
      }, 120_000);

      it("a server with TLS off refuses in its own words: no-certificate-request, within the timeout", async () => {
        const r = await probe({
          host: "127.0.0.1",
          port: refusing.port,
          tls: "1.3",
          starttls: protocol,
          timeoutMs: 5_000,
        });
        expect(r.outcome.class).toBe("no-certificate-request");
        expect("detail" in r.outcome && r.outcome.detail).toMatch(
          {
            smtp: /^server's EHLO reply offers no STARTTLS \(extensions: SIZE, /,
            imap: /^server's CAPABILITY lists no STARTTLS \(IMAP4REV1 /,
            ldap: /^server refused StartTLS: resultCode 2 \(protocolError\): "unsupported extended operation"$/,
          }[protocol],
        );
        expect(r.records).toBe(0);
        expect(r.timings.totalMs).toBeLessThan(5_000);
        // curl and python run their own dialogues (libcurl, smtplib / imaplib) and say the same.
        for (const name of (["curl", "python"] as const).filter((n) =>
          SPEAKS_STARTTLS[n].includes(protocol),
        )) {
          const c = await CLIENTS[name].handshake({
            host: "127.0.0.1",
            port: refusing.port,
            tls: "1.3",
            pki,
            starttls: protocol,
            timeoutMs: 5_000,
          });
          expect(c.outcome.class, `${name}: ${JSON.stringify(c.outcome)}`).toBe("no-certificate-request");
        }
      });

      it("silence is a timeout and an HTTP answer is malformed, each within the timeout", async () => {
        const silent = await peer("silent");
        const http = await peer("http");
        try {
          const timeoutMs = 1_500;
          const quiet = await probe({
            host: "127.0.0.1",
            port: silent.port,
            tls: "1.3",
            starttls: protocol,
            timeoutMs,
          });
          expect(quiet.outcome.class).toBe("timeout");
          expect(quiet.timings.totalMs).toBeLessThan(timeoutMs + 500);
          const bad = await probe({
            host: "127.0.0.1",
            port: http.port,
            tls: "1.3",
            starttls: protocol,
            timeoutMs,
          });
          expect(bad.outcome.class).toBe("malformed");
          expect("detail" in bad.outcome && bad.outcome.detail).toMatch(
            /HTTP\/1\.1 400 Bad Request|first byte 0x48/,
          );
          expect(bad.timings.totalMs).toBeLessThan(timeoutMs);
        } finally {
          silent.close();
          http.close();
        }
      });
    },
  );
}

/**
 * What each server does as its list passes the limit, at the edges measured here (bytes of the
 * CA list: Σ 2 + DER subject). Exim and slapd are GnuTLS 3.7.9 underneath, Dovecot OpenSSL 3.0.
 */
const EDGES: Record<
  MailProtocol,
  { bytes: number; tls: "1.2" | "1.3"; outcome: string; detail?: RegExp; log?: RegExp }[]
> = {
  smtp: [
    { bytes: 65_535, tls: "1.2", outcome: "ok" },
    {
      bytes: 65_536,
      tls: "1.2",
      outcome: "malformed",
      detail: /wrapped length: .* declares 0 bytes but 65536 follow/,
    },
    { bytes: 65_487, tls: "1.3", outcome: "ok" },
    { bytes: 65_488, tls: "1.3", outcome: "server-alert", detail: /fatal alert 50/ },
  ],
  ldap: [
    { bytes: 65_535, tls: "1.2", outcome: "ok" },
    {
      bytes: 65_536,
      tls: "1.2",
      outcome: "malformed",
      detail: /wrapped length: .* declares 0 bytes but 65536 follow/,
    },
    { bytes: 65_487, tls: "1.3", outcome: "ok" },
    {
      bytes: 65_488,
      tls: "1.3",
      outcome: "reset",
      detail: /without an alert after serverHello/,
      log: /TLS: can't accept: The handshake data size is too large/,
    },
  ],
  imap: [
    { bytes: 65_535, tls: "1.2", outcome: "ok" },
    {
      bytes: 65_536,
      tls: "1.2",
      outcome: "reset",
      detail: /without an alert before ServerHello/,
      log: /SSL_accept\(\) syscall failed: Invalid argument/,
    },
    { bytes: 65_491, tls: "1.3", outcome: "ok" },
    { bytes: 65_492, tls: "1.3", outcome: "reset", detail: /without an alert before ServerHello/ },
  ],
};

for (const protocol of PROTOCOLS)
  describe.skipIf(skipHere(`${protocol} server`, startTlsServerUnavailable(protocol)))(
    `STARTTLS ${protocol} past the limit`,
    () => {
      it(`${EDGES[protocol].map((e) => `${e.bytes} B TLS ${e.tls}: ${e.outcome}`).join("; ")}`, async () => {
        missingHere(`${protocol} server`, startTlsServerUnavailable(protocol));
        const pki = await sharedTestPki();
        for (const edge of EDGES[protocol]) {
          const store = await storeOfBytes(edge.bytes, [pki.clientIssuerEntry]);
          await using server = await startStartTlsServer(protocol, {
            caPem: store.toPem(),
            certPem: pki.server.certPem,
            keyPem: pki.server.keyPem,
          });
          const r = await probe({
            host: "127.0.0.1",
            port: server.port,
            tls: edge.tls,
            starttls: protocol,
            timeoutMs: 8_000,
          });
          const what = `${protocol} ${edge.bytes} B TLS ${edge.tls}: ${JSON.stringify(r.outcome)}`;
          expect(r.outcome.class, what).toBe(edge.outcome);
          if (edge.outcome === "ok") expect(r.certificateRequest?.authoritiesBytes, what).toBe(edge.bytes);
          if (edge.detail) expect("detail" in r.outcome ? r.outcome.detail : "", what).toMatch(edge.detail);
          if (edge.log) {
            // The server writes its line as it drops the connection: give it a moment.
            for (let i = 0; i < 20 && !edge.log.test(server.logs()); i++)
              await new Promise((res) => setTimeout(res, 100));
            expect(server.logs(), what).toMatch(edge.log);
          }
        }
      }, 120_000);
    },
  );
