import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JAVA_MAX_HANDSHAKE_DEFAULT } from "../../../harness/check/limits.ts";
import { createClient, type TlsClient } from "../../../harness/clients/index.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { caListBytes, type RootEntry, RootStore } from "../../../harness/roots/root-store.ts";
import { freePort } from "../../../harness/runtime/free-port.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { TlsServer } from "../../../harness/servers/server-builder.ts";
import type { StartedTlsServer } from "../../../harness/servers/tls-server.ts";
import { startCli } from "../../support/cli.ts";
import {
  promtool,
  requirePrometheus,
  type StartedPrometheus,
  startPrometheus,
} from "../../support/prometheus.ts";
import { microsoftRoots } from "../../support/root-data.ts";

/**
 * Issue 26's "done when": nginx (its list changed under it by in-place reloads: a larger list, then
 * the client's issuer removed) watched by `rootload watch` (the CLI, as a user runs it), scraped by
 * Debian's Prometheus, the metrics queried back through Prometheus' HTTP API. The Java verdict is
 * also checked from the other side: the real Java client connects before and after.
 */
const CI = process.env.CI === "true";
const INTERVAL_S = 3;
const why = requirePrometheus();

let pki: TestPki;
let runtime: ProcessRuntime;
let server: StartedTlsServer;
let prom: StartedPrometheus;
let watch: ReturnType<typeof startCli>;
let watchPort: number;
let dir: string;
let java: TlsClient;
let javaWhy: string | undefined;
const roots = microsoftRoots();
let small: RootEntry[];
let big: RootEntry[];
let cut: RootEntry[];

const store = (entries: RootEntry[]) => new RootStore("watch test", "mixed", entries);
const metrics = async () => (await fetch(`http://127.0.0.1:${watchPort}/metrics`)).text();
/** One sample's value from an exposition, or undefined. */
const sample = (text: string, line: string) => {
  const m = text.split("\n").find((l) => l.startsWith(`${line} `));
  return m === undefined ? undefined : Number(m.slice(line.length + 1));
};
const one = async (expr: string) => {
  const r = await prom.query(expr);
  expect(r, expr).toHaveLength(1);
  return r[0]!.value;
};
const byTls = async (expr: string) =>
  Object.fromEntries((await prom.query(expr)).map((s) => [s.labels.tls!, s.value]));

describe.skipIf(why !== undefined)(
  `rootload watch scraped by Prometheus${why ? ` (skipped: ${why})` : ""}`,
  () => {
    beforeAll(async () => {
      pki = await sharedTestPki();
      const issuer = pki.clientIssuerEntry;
      // 100 names ≈ 11 KB: Java's 32,768-byte cap holds; 400 ≈ 43 KB: past it, still under OpenSSL's 65,535.
      small = [issuer, ...roots.slice(0, 99)];
      big = [issuer, ...roots.slice(0, 399)];
      cut = roots.slice(0, 399);
      runtime = new ProcessRuntime();
      server = await new TlsServer("nginx").withPki(pki).withRoots(store(small)).start(runtime);
      dir = mkdtempSync(path.join(tmpdir(), "rootload-watch-"));
      writeFileSync(path.join(dir, "issuer.pem"), pki.clientIssuer.certPem);
      writeFileSync(
        path.join(dir, "targets.json"),
        JSON.stringify({
          interval: `${INTERVAL_S}s`,
          timeout: "2s",
          targets: [
            {
              name: "web",
              address: server.address(),
              issuers: ["issuer.pem"],
              clients: ["java", "go", "openssl"],
            },
          ],
        }),
      );
      watchPort = await freePort();
      watch = startCli(["watch", path.join(dir, "targets.json"), "--listen", `127.0.0.1:${watchPort}`]);
      const until = Date.now() + 30_000;
      while (
        !(await metrics().then(
          (t) => t.includes('rootload_probe_success{target="web",tls="1.3"}'),
          () => false,
        ))
      ) {
        if (Date.now() > until || watch.child.exitCode !== null)
          throw new Error(`watch did not serve: ${watch.stderrSoFar()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      prom = await startPrometheus([`127.0.0.1:${watchPort}`], 1);
      java = createClient("java");
      const a = await java.availability();
      if (!a.ok) {
        if (CI) throw new Error(`CI=true and the java client is unavailable: ${a.reason}`);
        javaWhy = a.reason;
      }
    }, 300_000);

    afterAll(async () => {
      watch?.child.kill("SIGTERM");
      await watch?.done;
      await prom?.stop();
      await server?.stop();
      await runtime?.close();
      await java?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Reload nginx with `entries` and time how long until /metrics shows `changes` list changes on both versions. */
    async function reloadAndTime(entries: RootEntry[], changes: number): Promise<number> {
      await server.reload(store(entries));
      const t0 = Date.now();
      for (;;) {
        const text = await metrics();
        const seen = ["1.2", "1.3"].map((t) =>
          sample(text, `rootload_list_changes_total{target="web",tls="${t}"}`),
        );
        if (seen.every((n) => n === changes)) return Date.now() - t0;
        if (Date.now() - t0 > 4 * INTERVAL_S * 1000)
          throw new Error(`no change counted after ${Date.now() - t0} ms: ${seen}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    it("stage 1: the list as served, the issuer first, Java within its limit", async () => {
      await prom.waitFor(
        'rootload_probe_success{target="web"}',
        (r) => r.length === 2 && r.every((s) => s.value === 1),
        30_000,
      );
      expect(await byTls('rootload_advertised_names{target="web"}')).toEqual({ "1.2": 100, "1.3": 100 });
      expect(await byTls('rootload_advertised_bytes{target="web"}')).toEqual({
        "1.2": caListBytes(small),
        "1.3": caListBytes(small),
      });
      const issuer = `issuer=${JSON.stringify(pki.clientIssuerEntry.subject)}`;
      expect(await byTls(`rootload_issuer_advertised{target="web",${issuer}}`)).toEqual({
        "1.2": 1,
        "1.3": 1,
      });
      expect(await byTls(`rootload_issuer_position{target="web",${issuer}}`)).toEqual({ "1.2": 1, "1.3": 1 });
      expect(await byTls('rootload_client_accepts{target="web",client="java"}')).toEqual({
        "1.2": 1,
        "1.3": 1,
      });
      // check's margin: the cap minus the CertificateRequest body (the message less its 4-byte header).
      const msg = await one('rootload_certificate_request_bytes{target="web",tls="1.2"}');
      expect(await one('rootload_client_margin_bytes{target="web",tls="1.2",client="java"}')).toBe(
        JAVA_MAX_HANDSHAKE_DEFAULT - (msg - 4),
      );
      expect(await byTls('rootload_list_changes_total{target="web"}')).toEqual({ "1.2": 0, "1.3": 0 });
      expect(await prom.query("rootload_list_last_change_timestamp_seconds")).toEqual([]);
      expect(await one('rootload_probe_outcome{target="web",tls="1.3",class="ok"}')).toBe(1);
      if (!javaWhy) {
        const r = await java.handshake({ host: "127.0.0.1", port: server.port, tls: "1.2", pki });
        expect(r.outcome).toEqual({ class: "ok" });
      }
      // The exposition passes Prometheus' own linter.
      const lint = promtool(["check", "metrics"], await metrics());
      expect(lint.output).toBe("");
      expect(lint.code).toBe(0);
    });

    it("stage 2: a larger list is counted within one interval; Java's verdict flips past 32,768 B", async () => {
      const startedS = Date.now() / 1000;
      const ms = await reloadAndTime(big, 1);
      console.log(`watch: larger list counted ${ms} ms after nginx's reload (interval ${INTERVAL_S} s)`);
      // The next probe is at most one interval away; it takes well under a second on loopback.
      expect(ms).toBeLessThanOrEqual(INTERVAL_S * 1000 + 1_500);
      await prom.waitFor(
        'rootload_list_changes_total{target="web"}',
        (r) => r.length === 2 && r.every((s) => s.value === 1),
        15_000,
      );
      expect(await byTls('rootload_advertised_names{target="web"}')).toEqual({ "1.2": 400, "1.3": 400 });
      expect(await byTls('rootload_advertised_bytes{target="web"}')).toEqual({
        "1.2": caListBytes(big),
        "1.3": caListBytes(big),
      });
      expect(await byTls('rootload_client_accepts{target="web",client="java"}')).toEqual({
        "1.2": 0,
        "1.3": 0,
      });
      expect(await byTls('rootload_client_accepts{target="web",client="go"}')).toEqual({
        "1.2": 1,
        "1.3": 1,
      });
      const msg = await one('rootload_certificate_request_bytes{target="web",tls="1.2"}');
      expect(msg - 4).toBeGreaterThan(JAVA_MAX_HANDSHAKE_DEFAULT);
      expect(await one('rootload_client_margin_bytes{target="web",tls="1.2",client="java"}')).toBe(
        JAVA_MAX_HANDSHAKE_DEFAULT - (msg - 4),
      );
      const at = await one('rootload_list_last_change_timestamp_seconds{target="web",tls="1.2"}');
      expect(at).toBeGreaterThan(startedS - 1);
      // The alert rule of docs/watch.md fires on this state.
      expect(
        await prom.query("rootload_client_accepts == 0 and on (target, tls) rootload_probe_success == 1"),
      ).toHaveLength(2);
      // One log line per change, naming what changed.
      const lines = watch
        .stderrSoFar()
        .split("\n")
        .filter((l) => l.includes('"target":"web"') && l.includes('"added":300'));
      expect(lines.length).toBe(2);
      expect(JSON.parse(lines[0]!)).toMatchObject({ added: 300, removed: 0, reordered: false, names: 400 });
      expect(lines[0]).toMatch(/java accepts \(margin \d+ B\) → refuses \(margin -\d+ B\)/);
      if (!javaWhy) {
        const r = await java.handshake({ host: "127.0.0.1", port: server.port, tls: "1.2", pki });
        expect(r.outcome.class).not.toBe("ok");
      }
    });

    it("stage 3: the issuer removed: its gauge drops, its position goes, the change is counted", async () => {
      await reloadAndTime(cut, 2);
      const issuer = `issuer=${JSON.stringify(pki.clientIssuerEntry.subject)}`;
      await prom.waitFor(
        `rootload_issuer_advertised{target="web",${issuer}}`,
        (r) => r.length === 2 && r.every((s) => s.value === 0),
        15_000,
      );
      expect(await prom.query(`rootload_issuer_position{target="web",${issuer}}`)).toEqual([]);
      expect(await byTls('rootload_advertised_names{target="web"}')).toEqual({ "1.2": 399, "1.3": 399 });
      // Go picks its certificate by the advertised issuers: with its issuer gone it sends none.
      expect(await byTls('rootload_client_accepts{target="web",client="go"}')).toEqual({
        "1.2": 0,
        "1.3": 0,
      });
      // openssl s_client sends its certificate whatever the list says, and reads up to 100 KiB.
      expect(await byTls('rootload_client_accepts{target="web",client="openssl"}')).toEqual({
        "1.2": 1,
        "1.3": 1,
      });
      // Prometheus saw the counter move twice.
      expect(await one('max(rootload_list_changes_total{target="web"})')).toBe(2);
      const line = watch
        .stderrSoFar()
        .split("\n")
        .find((l) => l.includes('"removed":1') && l.includes('"tls":"1.2"'));
      expect(JSON.parse(line!)).toMatchObject({
        target: "web",
        added: 0,
        removed: 1,
        removedNames: [pki.clientIssuerEntry.subject],
      });
      expect(line).toContain("not advertised");
    });

    it("serves /healthz and the JSON view of the last results", async () => {
      const h = await fetch(`http://127.0.0.1:${watchPort}/healthz`);
      expect(h.status).toBe(200);
      const j = (await (await fetch(`http://127.0.0.1:${watchPort}/results`)).json()) as {
        targets: {
          name: string;
          results: { tls: string; success: boolean; changes: number; list: { names: number } }[];
        }[];
      };
      expect(j.targets[0]!.name).toBe("web");
      expect(j.targets[0]!.results.map((r) => [r.tls, r.success, r.changes, r.list.names])).toEqual([
        ["1.2", true, 2, 399],
        ["1.3", true, 2, 399],
      ]);
      expect((await fetch(`http://127.0.0.1:${watchPort}/nope`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${watchPort}/metrics`, { method: "POST" })).status).toBe(405);
    });
  },
);
