import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askWithoutCertificate } from "../../../harness/clients/application-answer.ts";
import { CLIENTS } from "../../../harness/clients/index.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { STATE_DIR } from "../../../harness/runtime/runtime.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { searchableDir, stateDir } from "../../../harness/state-dir.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { runCliInProcess } from "../../support/cli.ts";
import { requireHere } from "../../support/require-here.ts";

/** Run a command, collecting its output; killed after `timeoutMs`. */
function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PGCONNECT_TIMEOUT: "10" },
    });
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

/** The names `openssl s_client -starttls postgres` prints, in the probe's RFC 4514 form. */
async function sClientNames(port: number, tls: "1.2" | "1.3"): Promise<string[]> {
  const r = await run("openssl", [
    "s_client",
    "-connect",
    `127.0.0.1:${port}`,
    "-starttls",
    "postgres",
    tls === "1.2" ? "-tls1_2" : "-tls1_3",
    "-nameopt",
    "RFC2253,-esc_msb",
  ]);
  const lines = r.out.split("\n");
  const start = lines.indexOf("Acceptable client certificate CA names");
  expect(start, r.out.slice(-600)).toBeGreaterThanOrEqual(0);
  const names: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (
      /^(Client Certificate Types|Requested Signature|Shared Requested|Peer sign|Server Temp Key|---)/.test(l)
    )
      break;
    names.push(l);
  }
  return names;
}

describe("STARTTLS against PostgreSQL (the postgres driver, process runtime)", () => {
  let rt: ProcessRuntime;
  let pki: TestPki;
  let server: StartedTlsServer;
  let dir: string;

  beforeAll(async () => {
    rt = new ProcessRuntime();
    pki = await sharedTestPki();
    const a = await DRIVERS.postgres.available(rt);
    expect(a.ok, a.reason).toBe(true);
    const store = await storeOfBytes(6_000, [pki.clientIssuerEntry]);
    server = await DRIVERS.postgres.start(
      { store, policy: { kind: "all" }, tls: ["1.2", "1.3"], clientAuth: "require", pki },
      rt,
    );
    dir = mkdtempSync(join(tmpdir(), "rootload-psql-"));
  }, 60_000);
  afterAll(async () => {
    await rt?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("rootload probe --starttls postgres reads the CertificateRequest; names match openssl s_client -starttls postgres", async () => {
    for (const tls of ["1.2", "1.3"] as const) {
      const { code, stdout } = await runCliInProcess([
        "probe",
        `127.0.0.1:${server.port}`,
        "--starttls",
        "postgres",
        "--tls",
        tls,
        "--json",
      ]);
      expect(code, stdout).toBe(0);
      const j = JSON.parse(stdout);
      expect(j.version).toBe(tls);
      expect(j.timings.starttlsMs).toBeGreaterThan(0);
      const names = j.certificateRequest.authorities.map((a: { name: string }) => a.name);
      expect(names.length).toBeGreaterThan(40);
      expect(names).toEqual(await sClientNames(server.port, tls));
    }
  });

  it("runs as the postgres user, writing only into its state folder; the harness's state folder stays 0700", (ctx) => {
    // Only a root harness hands the data directory to the postgres user (.ci/run runs as root).
    requireHere(ctx, "root", process.getuid?.() === 0 ? undefined : `running as uid ${process.getuid?.()}`);
    const serverDir = (server as unknown as { dir: string }).dir;
    const postgresUid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    // Search-only on the way down, in a folder of its own beside the 0700 state folder.
    expect(mode(stateDir())).toBe("700");
    expect(dirname(serverDir)).toBe(searchableDir());
    expect([mode(searchableDir()), mode(serverDir), mode(join(serverDir, STATE_DIR))]).toEqual([
      "711",
      "711",
      "711",
    ]);
    // Inputs stay the harness's and private; the data directory is the server's.
    for (const f of ["postgresql.conf", "server.key", "store.pem"]) {
      expect(statSync(join(serverDir, f)).uid, f).toBe(0);
      expect(mode(join(serverDir, f)), f).toBe("600");
    }
    expect(statSync(join(serverDir, STATE_DIR, "pgdata")).uid).toBe(postgresUid);
    expect(mode(join(serverDir, STATE_DIR, "pgdata"))).toBe("700");
  });

  it("without --starttls the probe does not mistake PostgreSQL for a TLS server", async () => {
    const r = await probe({ host: "127.0.0.1", port: server.port, tls: "1.3", timeoutMs: 3_000 });
    expect(r.outcome.class).not.toBe("ok");
    expect(r.certificateRequest).toBeUndefined();
  });

  it("the harness's clients log in with the client certificate and are refused without one", async () => {
    for (const name of ["node", "openssl", "gnutls"] as const) {
      const client = CLIENTS[name];
      for (const tls of ["1.2", "1.3"] as const) {
        const ok = await client.handshake({
          host: "127.0.0.1",
          port: server.port,
          tls,
          pki,
          starttls: "postgres",
        });
        expect(ok.outcome, `${name} TLS ${tls}`).toEqual({ class: "ok" });
        const stranger = await client.handshake({
          host: "127.0.0.1",
          port: server.port,
          tls,
          pki,
          identity: "stranger",
          starttls: "postgres",
        });
        expect(stranger.outcome.class, `${name} TLS ${tls} stranger`).not.toBe("ok");
      }
    }
    // PostgreSQL completes TLS without a certificate and refuses on the StartupMessage: only a
    // client that logs in (node) can see that.
    const none = await CLIENTS.node.handshake({
      host: "127.0.0.1",
      port: server.port,
      tls: "1.3",
      pki,
      identity: "none",
      starttls: "postgres",
    });
    expect(none.outcome.class).toBe("reset");
    expect(JSON.stringify(none.outcome)).toMatch(/connection requires a valid client certificate/);
  });

  it("asked as a client without a certificate would be, after a completed handshake: PostgreSQL refuses on the StartupMessage", async () => {
    for (const tls of ["1.2", "1.3"] as const) {
      const a = await askWithoutCertificate({
        host: "127.0.0.1",
        port: server.port,
        tls,
        starttls: "postgres",
      });
      expect(a.kind, `TLS ${tls}: ${a.text}`).toBe("refused");
      expect(a.text).toMatch(/connection requires a valid client certificate/);
    }
  });

  it("psql with sslmode=verify-full and the client certificate logs in; without it, it is refused", async () => {
    const f = (n: string, text: string) => {
      writeFileSync(join(dir, n), text);
      chmodSync(join(dir, n), 0o600);
      return join(dir, n);
    };
    const root = f("server-ca.crt", pki.serverCa.certPem);
    const cert = f("client.crt", pki.client.certPem);
    const key = f("client.key", pki.client.keyPem);
    const conn = (extra: string) =>
      `host=localhost hostaddr=127.0.0.1 port=${server.port} user=rootload dbname=postgres sslmode=verify-full sslrootcert=${root} ${extra}`;
    const ok = await run("psql", [
      conn(`sslcert=${cert} sslkey=${key}`),
      "-tAc",
      "select ssl, client_dn from pg_stat_ssl where pid = pg_backend_pid()",
    ]);
    expect(ok.out.trim(), ok.out).toBe("t|/CN=rootload test client/O=rootload test enterprise");
    expect(ok.code).toBe(0);
    const refused = await run("psql", [conn(`sslcert=${join(dir, "absent.crt")}`), "-tAc", "select 1"]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/connection requires a valid client certificate/);
    const logs = await server.logs();
    expect(logs).toMatch(
      /connection authorized: user=rootload database=postgres SSL enabled \(protocol=TLSv1\.3/,
    );
  });
});
