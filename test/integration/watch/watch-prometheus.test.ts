import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JAVA_MAX_HANDSHAKE_DEFAULT, SERVER_PROFILES } from "../../../harness/check/limits.ts";
import { requestSizeFor } from "../../../harness/check/verdict.ts";
import { createClient, type TlsClient } from "../../../harness/clients/index.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import type { RootStore } from "../../../harness/roots/root-store.ts";
import { freePort } from "../../../harness/runtime/free-port.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { TlsServer } from "../../../harness/servers/tls-server.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { startCli } from "../../support/cli.ts";
import {
  promtool,
  requirePrometheus,
  type StartedPrometheus,
  startPrometheus,
} from "../../support/prometheus.ts";
import { missingHere } from "../../support/require-here.ts";

/**
 * Issue 26's "done when": nginx, its list changed under it by in-place reloads (to Java's limit,
 * one byte past it, then without the client's issuer), watched by `rootload watch` (the CLI, as a
 * user runs it), scraped by Debian's Prometheus, every step queried back through Prometheus' HTTP
 * API. The Java verdict is also checked from the other side: the real Java client connects.
 */
const INTERVAL_S = 3;
const why = requirePrometheus();
/** The list length that makes nginx's TLS 1.2 CertificateRequest body exactly Java's cap (32,768 B). */
const AT_LIMIT = JAVA_MAX_HANDSHAKE_DEFAULT - requestSizeFor(SERVER_PROFILES.nginx, "1.2", 0).bodyBytes;

let pki: TestPki;
let runtime: ProcessRuntime;
let server: StartedTlsServer;
let prom: StartedPrometheus;
let watch: ReturnType<typeof startCli>;
let watchPort: number;
let dir: string;
let java: TlsClient;
let javaWhy: string | undefined;
const lists: Record<"small" | "atLimit" | "past" | "cut", RootStore> = {} as never;

const metrics = async () => (await fetch(`http://127.0.0.1:${watchPort}/metrics`)).text();
/** One sample's value from an exposition, or undefined. */
const sample = (text: string, series: string) => {
  const m = text.split("\n").find((l) => l.startsWith(`${series} `));
  return m === undefined ? undefined : Number(m.slice(series.length + 1));
};
const one = async (expr: string) => {
  const r = await prom.query(expr);
  expect(r, expr).toHaveLength(1);
  return r[0]!.value;
};
const byTls = async (expr: string) =>
  Object.fromEntries((await prom.query(expr)).map((s) => [s.labels.tls!, s.value]));
const both = (v: number) => ({ "1.2": v, "1.3": v });
const javaHandshake = async () =>
  (await java.handshake({ host: "127.0.0.1", port: server.port, tls: "1.2", pki })).outcome;

describe.skipIf(why !== undefined)(
  `rootload watch scraped by Prometheus${why ? ` (skipped: ${why})` : ""}`,
  () => {
    beforeAll(async () => {
      pki = await sharedTestPki();
      const issuer = pki.clientIssuerEntry;
      // Synthetic roots of exact sizes, the client's issuer first.
      lists.small = await storeOfBytes(10_000, [issuer]);
      lists.atLimit = await storeOfBytes(AT_LIMIT, [issuer]);
      lists.past = await storeOfBytes(AT_LIMIT + 1, [issuer]);
      lists.cut = await storeOfBytes(AT_LIMIT + 1);
      runtime = new ProcessRuntime();
      server = await new TlsServer("nginx").withPki(pki).withRoots(lists.small).start(runtime);
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
      if (!a.ok) javaWhy = missingHere("the java client", a.reason);
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

    /** Reload nginx with `store`; how long until /metrics shows `changes` list changes on both versions (ms). */
    async function reloadAndTime(store: RootStore, changes: number): Promise<number> {
      await server.reload(store);
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
    const changesSeen = (n: number) =>
      prom.waitFor(
        'rootload_list_changes_total{target="web"}',
        (r) => r.length === 2 && r.every((s) => s.value === n),
        15_000,
      );

    it("stage 1: the list as served, the issuer first, Java within its limit", async () => {
      await prom.waitFor(
        'rootload_probe_success{target="web"}',
        (r) => r.length === 2 && r.every((s) => s.value === 1),
        30_000,
      );
      expect(await byTls('rootload_advertised_names{target="web"}')).toEqual(
        both(lists.small.entries.length),
      );
      expect(await byTls('rootload_advertised_bytes{target="web"}')).toEqual(both(10_000));
      const issuer = `issuer=${JSON.stringify(pki.clientIssuerEntry.subject)}`;
      expect(await byTls(`rootload_issuer_advertised{target="web",${issuer}}`)).toEqual(both(1));
      expect(await byTls(`rootload_issuer_position{target="web",${issuer}}`)).toEqual(both(1));
      expect(await byTls('rootload_client_accepts{target="web",client="java"}')).toEqual(both(1));
      expect(await byTls('rootload_list_changes_total{target="web"}')).toEqual(both(0));
      expect(await prom.query("rootload_list_last_change_timestamp_seconds")).toEqual([]);
      expect(await one('rootload_probe_outcome{target="web",tls="1.3",class="ok"}')).toBe(1);
      // The exposition passes Prometheus' own linter.
      const lint = promtool(["check", "metrics"], await metrics());
      expect(lint.output).toBe("");
      expect(lint.code).toBe(0);
    });

    it("stage 2: a larger list is counted within one interval; at Java's cap to the byte, Java still gets in", async () => {
      const startedS = Date.now() / 1000;
      const ms = await reloadAndTime(lists.atLimit, 1);
      console.log(`watch: larger list counted ${ms} ms after nginx's reload (interval ${INTERVAL_S} s)`);
      // The next probe is at most one interval away; it takes well under a second on loopback (2 s
      // allowed for a loaded machine).
      expect(ms).toBeLessThanOrEqual(INTERVAL_S * 1000 + 2_000);
      await changesSeen(1);
      expect(await byTls('rootload_advertised_bytes{target="web"}')).toEqual(both(AT_LIMIT));
      // check's size model of nginx's CertificateRequest, confirmed on the wire: the body is the cap.
      expect(await one('rootload_certificate_request_bytes{target="web",tls="1.2"}')).toBe(
        JAVA_MAX_HANDSHAKE_DEFAULT + 4,
      );
      expect(await one('rootload_client_margin_bytes{target="web",tls="1.2",client="java"}')).toBe(0);
      expect(await one('rootload_client_accepts{target="web",tls="1.2",client="java"}')).toBe(1);
      expect(
        await one('rootload_list_last_change_timestamp_seconds{target="web",tls="1.2"}'),
      ).toBeGreaterThan(startedS - 1);
      if (!javaWhy) expect(await javaHandshake()).toEqual({ class: "ok" });
    });

    it("stage 3: one byte more and Java's TLS 1.2 verdict flips (margin −1 B), the alert's expression holds", async () => {
      await reloadAndTime(lists.past, 2);
      await changesSeen(2);
      expect(await byTls('rootload_advertised_bytes{target="web"}')).toEqual(both(AT_LIMIT + 1));
      // TLS 1.3's CertificateRequest is one byte shorter here: its body is now exactly the cap.
      expect(await byTls('rootload_client_margin_bytes{target="web",client="java"}')).toEqual({
        "1.2": -1,
        "1.3": 0,
      });
      expect(await byTls('rootload_client_accepts{target="web",client="java"}')).toEqual({
        "1.2": 0,
        "1.3": 1,
      });
      expect(await byTls('rootload_client_accepts{target="web",client="go"}')).toEqual(both(1));
      // docs/watch.md's RootloadListPastClientLimit holds for Java on TLS 1.2 only.
      expect(
        (await prom.query("rootload_client_margin_bytes < 0")).map(
          (s) => `${s.labels.client} ${s.labels.tls}`,
        ),
      ).toEqual(["java 1.2"]);
      // One log line per change, naming what changed.
      const line = watch
        .stderrSoFar()
        .split("\n")
        .find((l) => l.includes('"tls":"1.2"') && l.includes("java accepts"));
      expect(line, watch.stderrSoFar()).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ target: "web", bytes: AT_LIMIT + 1 });
      expect(line).toContain("java accepts (margin 0 B) → refuses (margin -1 B)");
      if (!javaWhy) {
        const o = await javaHandshake();
        expect(o.class).toBe("excessive-size");
      }
    });

    it("stage 4: the issuer removed: its gauge drops, its position goes, the change is counted", async () => {
      await reloadAndTime(lists.cut, 3);
      const issuer = `issuer=${JSON.stringify(pki.clientIssuerEntry.subject)}`;
      await prom.waitFor(
        `rootload_issuer_advertised{target="web",${issuer}}`,
        (r) => r.length === 2 && r.every((s) => s.value === 0),
        15_000,
      );
      expect(await prom.query(`rootload_issuer_position{target="web",${issuer}}`)).toEqual([]);
      // Go picks its certificate by the advertised issuers: with its issuer gone it sends none.
      expect(await byTls('rootload_client_accepts{target="web",client="go"}')).toEqual(both(0));
      // openssl s_client sends its certificate whatever the list says, and reads up to 100 KiB.
      expect(await byTls('rootload_client_accepts{target="web",client="openssl"}')).toEqual(both(1));
      await changesSeen(3);
      const line = watch
        .stderrSoFar()
        .split("\n")
        .find(
          (l) =>
            l.includes('"tls":"1.2"') &&
            l.includes(`${pki.clientIssuerEntry.subject} advertised at #1 → not advertised`),
        );
      expect(line, watch.stderrSoFar()).toBeDefined();
      expect(JSON.parse(line!).removedNames).toContain(pki.clientIssuerEntry.subject);
    });

    it("serves /healthz and the JSON view of the last results", async () => {
      const h = await fetch(`http://127.0.0.1:${watchPort}/healthz`);
      expect(h.status).toBe(200);
      const j = (await (await fetch(`http://127.0.0.1:${watchPort}/results`)).json()) as {
        targets: {
          name: string;
          results: { tls: string; success: boolean; changes: number; list: { bytes: number } }[];
        }[];
      };
      expect(j.targets[0]!.name).toBe("web");
      expect(j.targets[0]!.results.map((r) => [r.tls, r.success, r.changes, r.list.bytes])).toEqual([
        ["1.2", true, 3, lists.cut.caListBytes],
        ["1.3", true, 3, lists.cut.caListBytes],
      ]);
      expect((await fetch(`http://127.0.0.1:${watchPort}/nope`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${watchPort}/metrics`, { method: "POST" })).status).toBe(405);
    });
  },
);
