import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { freePort } from "../../../harness/runtime/free-port.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { parseListen } from "../../../harness/watch/listener.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { runCli, startCli } from "../../support/cli.ts";
import { opensslServer } from "../../support/openssl-driver.ts";
import { missingHere, skipHere } from "../../support/require-here.ts";
import { startStartTlsServer, startTlsServerUnavailable } from "../../support/starttls-servers.ts";

/** `rootload watch` as a user runs it: bad input, --once --json, the listener's address, SIGHUP. */
let pki: TestPki;
let runtime: ProcessRuntime;
let server: StartedTlsServer;
let dir: string;
let names: number;

beforeAll(async () => {
  pki = await sharedTestPki();
  runtime = new ProcessRuntime();
  const store = await storeOfBytes(6_000, [pki.clientIssuerEntry]);
  names = store.entries.length;
  server = await opensslServer(pki, store.entries).start(runtime);
  dir = mkdtempSync(path.join(tmpdir(), "rootload-watch-cli-"));
  writeFileSync(path.join(dir, "issuer.pem"), pki.clientIssuer.certPem);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, value: unknown) => {
  const f = path.join(dir, name);
  writeFileSync(f, typeof value === "string" ? value : JSON.stringify(value));
  return f;
};

async function untilMetrics(
  port: number,
  ok: (text: string) => boolean,
  what: string,
  ms = 20_000,
): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (r) => r.text(),
      () => "",
    );
    if (ok(text)) return text;
    if (Date.now() > until) throw new Error(`${what} not seen in ${ms} ms:\n${text}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe("rootload watch CLI", () => {
  it("bad input: one line naming the file and field, exit 2, nothing on stdout", async () => {
    const f = file("bad.json", { interval: "5d", targets: [{ name: "a", address: "127.0.0.1:99999" }] });
    const r = await runCli(["watch", f, "--once"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe(
      `rootload watch: ${f}: interval "5d" is not a duration of at least 1s (like "30s", "5m", "1h"); targets[0].address "127.0.0.1:99999" is not host:port`,
    );
    for (const [args, text] of [
      [["--interval", "soon"], 'rootload watch --interval: "soon" is not a duration'],
      [["--listen", "localhost:9469"], 'rootload watch --listen: "localhost:9469" is not IP:port'],
      [["--json"], "rootload watch --json: goes with --once"],
    ] as const) {
      const x = await runCli(["watch", f, ...args]);
      expect(x.code, args.join(" ")).toBe(2);
      expect(x.stderr).toContain(text);
    }
  });

  it("--once --json: one probe per target and version, exit 0 when all are up, 1 when one is down", async () => {
    const ok = file("once.json", {
      targets: [{ name: "s", address: server.address(), issuers: ["issuer.pem"], clients: ["java"] }],
    });
    const r = await runCli(["watch", ok, "--once", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(
      j.targets[0].results.map((x: { tls: string; list: { names: number }; issuers: unknown[] }) => [
        x.tls,
        x.list.names,
        x.issuers,
      ]),
    ).toEqual([
      ["1.2", names, [{ subject: pki.clientIssuerEntry.subject, advertised: true, position: 1 }]],
      ["1.3", names, [{ subject: pki.clientIssuerEntry.subject, advertised: true, position: 1 }]],
    ]);
    const down = file("down.json", {
      timeout: "1s",
      targets: [
        { name: "s", address: server.address(), tls: ["1.3"] },
        { name: "gone", address: `127.0.0.1:${await freePort()}`, tls: ["1.3"] },
      ],
    });
    const d = await runCli(["watch", down, "--once"]);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/^gone\s+1\.3\s+NO\s+server-error/m);
  });

  it('expect "refused": up when a stranger (no certificate) is refused, down when it gets in', async () => {
    await using optional = await opensslServer(pki, [pki.clientIssuerEntry])
      .withClientAuth("optional")
      .start(runtime);
    const f = file("refused.json", {
      targets: [
        { name: "required", address: server.address(), expect: "refused" },
        { name: "optional", address: optional.address(), expect: "refused" },
      ],
    });
    const r = await runCli(["watch", f, "--once", "--json"]);
    expect(r.code).toBe(1);
    const got = JSON.parse(r.stdout).targets.flatMap(
      (t: {
        name: string;
        results: { tls: string; success: boolean; stranger: { kind: string; detail: string } }[];
      }) => t.results.map((x) => [t.name, x.tls, x.success, x.stranger.kind, x.stranger.detail]),
    );
    expect(got).toEqual([
      ["required", "1.2", true, "refused", "alert handshake_failure"],
      ["required", "1.3", true, "refused", "alert certificate_required"],
      ["optional", "1.2", false, "accepted", "handshake completed without a client certificate"],
      ["optional", "1.3", false, "accepted", "handshake completed without a client certificate"],
    ]);
  });

  it.skipIf(skipHere("smtp server", startTlsServerUnavailable("smtp")))(
    "a STARTTLS target: Exim's CertificateRequest after the SMTP prelude",
    async () => {
      missingHere("smtp server", startTlsServerUnavailable("smtp"));
      await using smtp = await startStartTlsServer("smtp", {
        caPem: pki.clientIssuer.certPem,
        certPem: pki.server.certPem,
        keyPem: pki.server.keyPem,
      });
      const f = file("smtp.json", {
        targets: [
          { name: "mail", address: `${smtp.host}:${smtp.port}`, starttls: "smtp", issuers: ["issuer.pem"] },
        ],
      });
      const r = await runCli(["watch", f, "--once", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const res = JSON.parse(r.stdout).targets[0].results;
      for (const x of res) {
        expect(x.outcome).toEqual({ class: "ok" });
        expect(x.list.subjects).toEqual([pki.clientIssuerEntry.subject]);
        expect(x.issuers).toEqual([
          { subject: pki.clientIssuerEntry.subject, advertised: true, position: 1 },
        ]);
      }
    },
  );

  it("binds exactly where told: 127.0.0.1 answers, 127.0.0.2 (also loopback) does not", async () => {
    const port = await freePort();
    const f = file("bind.json", {
      interval: "1h",
      targets: [{ name: "s", address: server.address(), tls: ["1.3"] }],
    });
    const w = startCli(["watch", f, "--listen", `127.0.0.1:${port}`]);
    try {
      await untilMetrics(port, (t) => t.includes("rootload_probe_success"), "metrics");
      const refused = await new Promise<string>((resolve) => {
        const s = connect({ host: "127.0.0.2", port });
        s.once("connect", () => {
          s.destroy();
          resolve("connected");
        });
        s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      });
      expect(refused).toBe("ECONNREFUSED");
      expect(parseListen("[::1]:9469")).toEqual({ host: "::1", port: 9469 });
      for (const bad of ["9469", ":9469", "localhost:9469", "[127.0.0.1]:1", "127.0.0.1:70000"])
        expect(() => parseListen(bad), bad).toThrow(/--listen/);
    } finally {
      w.child.kill("SIGTERM");
      const r = await w.done;
      expect(r.code).toBe(0);
    }
  });

  it("SIGHUP reloads the targets file and keeps the counters of targets that stay; a bad edit keeps the old targets", async () => {
    const port = await freePort();
    const spec = (extra: object[]) => ({
      interval: "1s",
      timeout: "1s",
      targets: [{ name: "s", address: server.address(), tls: ["1.2"] }, ...extra],
    });
    const f = file("hup.json", spec([]));
    const w = startCli(["watch", f, "--listen", `127.0.0.1:${port}`]);
    try {
      await untilMetrics(
        port,
        (t) => (value(t, 'rootload_probes_total{target="s",tls="1.2"}') ?? 0) >= 1,
        "a probe",
      );
      // A list change counted before the reload (s_server restarts with one name more).
      await server.reload(await storeOfBytes(6_128, [pki.clientIssuerEntry]));
      await untilMetrics(
        port,
        (t) => value(t, 'rootload_list_changes_total{target="s",tls="1.2"}') === 1,
        "the change",
      );
      const before = value(
        await untilMetrics(port, () => true, "metrics"),
        'rootload_probes_total{target="s",tls="1.2"}',
      )!;
      file("hup.json", spec([{ name: "t", address: server.address(), tls: ["1.3"] }]));
      w.child.kill("SIGHUP");
      const after = await untilMetrics(
        port,
        (t) => t.includes('rootload_probe_success{target="t",tls="1.3"} 1'),
        "the new target",
      );
      expect(value(after, 'rootload_list_changes_total{target="s",tls="1.2"}')).toBe(1);
      expect(value(after, 'rootload_probes_total{target="s",tls="1.2"}')).toBeGreaterThanOrEqual(before);
      expect(w.stderrSoFar()).toMatch(/"msg":"reloaded [^"]*hup\.json: 2 target\(s\)"/);
      // A broken edit: logged, refused, the two targets go on.
      file("hup.json", '{ "targets": [ { "name": "s" } ] }');
      w.child.kill("SIGHUP");
      const until = Date.now() + 10_000;
      while (!w.stderrSoFar().includes("reload of")) {
        if (Date.now() > until) throw new Error(`no reload line: ${w.stderrSoFar()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(w.stderrSoFar()).toContain("targets[0].address is missing");
      const probes = value(
        await untilMetrics(port, () => true, "metrics"),
        'rootload_probes_total{target="t",tls="1.3"}',
      )!;
      await untilMetrics(
        port,
        (t) => (value(t, 'rootload_probes_total{target="t",tls="1.3"}') ?? 0) > probes,
        "t probed again",
      );
      // A target dropped from the file drops its series.
      file("hup.json", spec([]));
      w.child.kill("SIGHUP");
      await untilMetrics(port, (t) => !t.includes('target="t"'), "t gone");
    } finally {
      w.child.kill("SIGTERM");
      expect((await w.done).code).toBe(0);
    }
  });
});
