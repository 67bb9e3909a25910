import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askWithoutCertificate } from "../../../harness/clients/application-answer.ts";
import { CLIENTS } from "../../../harness/clients/index.ts";
import { sClient } from "../../../harness/clients/s-client.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { MARIADB_USER } from "../../../harness/servers/drivers/mariadb.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { runCliInProcess } from "../../support/cli.ts";
import { accepts } from "../servers/wire.ts";

/** Run a command, collecting its output; killed after `timeoutMs`. */
function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("STARTTLS against MariaDB (the mariadb driver, process runtime, an account that REQUIRE X509)", () => {
  let rt: ProcessRuntime;
  let pki: TestPki;
  let server: StartedTlsServer;
  let dir: string;

  beforeAll(async () => {
    rt = new ProcessRuntime();
    pki = await sharedTestPki();
    const a = await DRIVERS.mariadb.available(rt);
    expect(a.ok, a.reason).toBe(true);
    // 6,000 bytes of CA list in ssl-ca (about 45 names), the client's issuer among them.
    const store = await storeOfBytes(6_000, [pki.clientIssuerEntry]);
    server = await DRIVERS.mariadb.start(
      { store, policy: { kind: "none" }, tls: ["1.2", "1.3"], clientAuth: "require", pki },
      rt,
    );
    dir = mkdtempSync(join(tmpdir(), "rootload-mariadb-"));
  }, 120_000);
  afterAll(async () => {
    await rt?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("rootload probe --starttls mysql reads the CertificateRequest; it agrees with openssl s_client -starttls mysql: no CA names", async () => {
    for (const tls of ["1.2", "1.3"] as const) {
      const { code, stdout } = await runCliInProcess([
        "probe",
        `127.0.0.1:${server.port}`,
        "--starttls",
        "mysql",
        "--tls",
        tls,
        "--json",
      ]);
      expect(code, stdout).toBe(0);
      const j = JSON.parse(stdout);
      expect(j.version).toBe(tls);
      expect(j.timings.starttlsMs).toBeGreaterThan(0);
      // A CertificateRequest was read (MariaDB asks for a certificate), with an empty list.
      expect(j.certificateRequest, stdout).toBeDefined();
      expect(j.certificateRequest.authorities).toEqual([]);
      const oracle = await sClient({ host: "127.0.0.1", port: server.port, tls, starttls: "mysql" });
      expect(oracle.handshake, oracle.output.slice(-600)).toBe("ok");
      expect(oracle.names, oracle.output.slice(-600)).toEqual([]);
      expect(oracle.output).toMatch(/No client certificate CA names sent/);
    }
  });

  it("without --starttls the probe does not mistake MariaDB's greeting for TLS (it is malformed TLS, as before)", async () => {
    const r = await probe({ host: "127.0.0.1", port: server.port, tls: "1.3", timeoutMs: 3_000 });
    expect(r.outcome.class).not.toBe("ok");
    expect(r.certificateRequest).toBeUndefined();
  });

  it("the login judged from both sides: the mariadb client and rootload's own login agree (client in, none refused, stranger refused)", async () => {
    const f = (n: string, text: string) => {
      writeFileSync(join(dir, n), text, { mode: 0o600 });
      return join(dir, n);
    };
    const cert = f("client.crt", pki.client.certPem);
    const key = f("client.key", pki.client.keyPem);
    const sCert = f("stranger.crt", pki.stranger.certPem);
    const sKey = f("stranger.key", pki.stranger.keyPem);
    const mariadb = (extra: string[]) =>
      run("mariadb", [
        "--no-defaults",
        "--protocol=TCP",
        "-h",
        "127.0.0.1",
        "-P",
        String(server.port),
        "-u",
        MARIADB_USER,
        "--ssl",
        "--connect-timeout=10",
        ...extra,
        "-N",
        "-e",
        "SELECT CURRENT_USER(), @@version, (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_version')",
      ]);
    const ok = await mariadb([`--ssl-cert=${cert}`, `--ssl-key=${key}`]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(new RegExp(`${MARIADB_USER}@%\\s+10\\.11\\.\\d+-MariaDB\\S*\\s+TLSv1\\.3`));
    const none = await mariadb([]);
    expect(none.code, none.out).not.toBe(0);
    expect(none.out).toMatch(/ERROR 1045 .*Access denied for user 'rootload'/);
    const stranger = await mariadb([`--ssl-cert=${sCert}`, `--ssl-key=${sKey}`]);
    expect(stranger.code, stranger.out).not.toBe(0);
    // TLS 1.3: the server checks the certificate after the client's Finished, so the client may see its
    // alert (2026 SSL connection error) or only the close (2013 Lost connection).
    expect(stranger.out).toMatch(/ERROR (2026|2013)/);
    for (const tls of ["1.2", "1.3"] as const) {
      expect(await accepts(server, tls, pki.client), `client TLS ${tls}`).toBe("accepted");
      expect(await accepts(server, tls, undefined), `no certificate TLS ${tls}`).toBe("rejected");
      expect(await accepts(server, tls, pki.stranger), `stranger TLS ${tls}`).toBe("rejected");
    }
  });

  it("the harness's clients: node logs in (OK packet), openssl completes the handshake; the stranger fails; gnutls-cli has no mysql", async () => {
    for (const name of ["node", "openssl"] as const)
      for (const tls of ["1.2", "1.3"] as const) {
        const o = { host: "127.0.0.1", port: server.port, tls, pki, starttls: "mysql" } as const;
        expect((await CLIENTS[name].handshake(o)).outcome, `${name} TLS ${tls}`).toEqual({ class: "ok" });
        const stranger = await CLIENTS[name].handshake({ ...o, identity: "stranger" });
        expect(stranger.outcome.class, `${name} TLS ${tls} stranger`).not.toBe("ok");
      }
    // MariaDB completes TLS without a certificate and refuses the login: only a client that logs in sees it.
    const none = await CLIENTS.node.handshake({
      host: "127.0.0.1",
      port: server.port,
      tls: "1.3",
      pki,
      identity: "none",
      starttls: "mysql",
    });
    expect(none.outcome.class).toBe("reset");
    expect(JSON.stringify(none.outcome)).toMatch(/ERR 1045 \(28000\): Access denied for user 'rootload'/);
    const gnutls = await CLIENTS.gnutls.handshake({
      host: "127.0.0.1",
      port: server.port,
      tls: "1.2",
      pki,
      starttls: "mysql",
    });
    expect(gnutls.outcome.class).toBe("client-unavailable");
  });

  it("asked as a client without a certificate would be, after a completed handshake: MariaDB refuses the login", async () => {
    for (const tls of ["1.2", "1.3"] as const) {
      const a = await askWithoutCertificate({ host: "127.0.0.1", port: server.port, tls, starttls: "mysql" });
      expect(a.kind, `TLS ${tls}: ${a.text}`).toBe("refused");
      expect(a.text).toMatch(/ERR 1045 .*Access denied/);
    }
  });
});
