import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerLimit, ServerStack } from "../../../harness/check/limits.ts";
import { EngineError, InputError } from "../../../harness/errors.ts";
import { DRIVER_NAMES, type DriverName } from "../../../harness/model/names.ts";
import type { IssuerPolicy } from "../../../harness/model/policy.ts";
import type { TlsVersion } from "../../../harness/model/tls.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { intendedAdvertised } from "../../../harness/roots/intended.ts";
import { RootEntry, type RootStore } from "../../../harness/roots/root-store.ts";
import type { Runtime } from "../../../harness/runtime/runtime.ts";
import { STATE_DIR } from "../../../harness/runtime/runtime.ts";
import { CHECKABLE_LIST_BYTES, type DriverServer } from "../../../harness/servers/driver-server.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import type { StartedTlsServer } from "../../../harness/servers/started-tls-server.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { measuredLimits, unmeasured } from "../../support/measured-limits.ts";
import { missingHere } from "../../support/require-here.ts";
import { accepts, advertised, entryCn, gnutlsCliHandshake } from "./wire.ts";

const BOTH: TlsVersion[] = ["1.2", "1.3"];
/** Servers that send names sorted rather than in file order (docs/domain.md). */
const SORTED = new Set<DriverName>(["apache", "haproxy", "stunnel"]);
/**
 * Servers whose order is neither file order nor sorted: BCJSSE puts the accepted issuers in a hash
 * set (bctls 1.72); OTP's ssl lists its certificate database (ssl 10.8.7). Compared as sets.
 */
const UNORDERED = new Set<DriverName>(["bouncycastle", "erlang"]);
/** Policy none via OpenSSL's `-CANames`: TLS 1.3 still carries the extension, with an empty list (docs/domain.md). */
const EMPTY_CA_EXTENSION = new Set<DriverName>(["nginx", "stunnel", "openssl", "postgres", "lighttpd"]);
/** Servers that reload in place, and the pid file of the process that stays. */
const PID_FILE: Partial<Record<DriverName, string>> = {
  nginx: "nginx.pid",
  apache: "apache.pid",
  haproxy: "haproxy.pid",
  node: "node.pid",
  java: "java.pid",
  caddy: "caddy.pid",
  erlang: "erlang.pid",
  bouncycastle: "java.pid",
};

interface SizeCase {
  bytes: number;
  expect: Record<
    TlsVersion,
    // `names`: how many names go out when not all of them do (JSSE omits the TLS 1.3 extension).
    { outcome: "ok"; names?: number } | { outcome: "failed"; alert?: string; error?: RegExp }
  >;
}

/** s_client's text for an alert the limits table names (`internal_error` → "internal error"). */
const alertText = (alert: string) => (alert.startsWith("none") ? undefined : alert.replace(/_/g, " "));

/**
 * What a server does with a list of `bytes` (`rawBytes` of DER subjects) under one entry of the
 * limits table (harness/check/limits.ts): the expectation comes from the entry for the version the
 * run found, never from one number for all builds.
 */
function expectedAt(limit: ServerLimit, bytes: number, rawBytes: number): SizeCase["expect"]["1.2"] {
  if (bytes <= limit.maxListBytes) return { outcome: "ok" };
  const past = limit.past;
  switch (past.kind) {
    case "aborts":
      return { outcome: "failed", ...(alertText(past.alert) ? { alert: alertText(past.alert)! } : {}) };
    // The 16-bit list length wraps: the message is malformed, no alert from the server. On TLS 1.3
    // a wrapped extensions block (Erlang/OTP) cuts signature_algorithms off instead.
    case "malformed":
      return { outcome: "failed", error: /length mismatch|missing sigalgs extension/ };
    case "aborts-then-omits":
      return rawBytes <= past.rawMaxBytes
        ? { outcome: "failed", alert: alertText(past.alert)! }
        : { outcome: "ok", names: 0 };
    case "truncates":
      throw new Error(`no driver truncates by the table (${JSON.stringify(past)})`);
  }
}

/**
 * Sizes around both limits of the entry: the largest list sent whole on TLS 1.3 and one byte
 * more, the same on TLS 1.2, and `extra` sizes a family needs (JSSE's omission regime, where the
 * raw DER subjects pass 65,535 B: 66,767 B is 522 names, 65,723 raw).
 */
function casesFor(
  limits: Record<TlsVersion, ServerLimit | undefined>,
  extra: readonly number[] = [],
): number[] {
  const l12 = limits["1.2"]!.maxListBytes;
  const l13 = limits["1.3"]!.maxListBytes;
  return [...new Set([l13 - 10, l13, l13 + 1, l12, l12 + 1, ...extra])].sort((a, b) => a - b);
}

/** Sizes past the limits some families need as well (bytes). */
const EXTRA_SIZES: Partial<Record<DriverName, number[]>> = { java: [66_767], caddy: [66_767] };

/** Drivers that do not speak both versions. */
const DRIVER_VERSIONS: Partial<Record<DriverName, TlsVersion[]>> = { "lighttpd-mbedtls": ["1.2"] };

/**
 * mbedTLS 2.28 (lighttpd-mod-mbedtls), measured: writes the names that fit its 16,384-byte output
 * buffer and silently drops the rest (16,357 B: all 128 names; 16,370 B: 128 of 129, 16,299 B).
 */
const MBEDTLS_CASES: SizeCase[] = [
  { bytes: 16_357, expect: { "1.2": { outcome: "ok" }, "1.3": { outcome: "ok" } } },
  { bytes: 16_370, expect: { "1.2": { outcome: "ok", names: 128 }, "1.3": { outcome: "ok" } } },
  { bytes: 65_536, expect: { "1.2": { outcome: "ok", names: 128 }, "1.3": { outcome: "ok" } } },
];

/**
 * wolfSSL 5.5.4 (lighttpd-mod-wolfssl) and MariaDB 10.11 (which never sets a client CA list),
 * measured: no names at any size, TLS 1.2 and 1.3.
 */
const NO_NAMES_CASES: SizeCase[] = [3_000, 65_536, 66_767].map((bytes) => ({
  bytes,
  expect: { "1.2": { outcome: "ok", names: 0 }, "1.3": { outcome: "ok", names: 0 } },
}));

/**
 * Drivers the limits table (harness/check/limits.ts) has no entry for: their measured cases. The
 * others derive theirs from the table's entry for the version the run found.
 */
const SIZE_CASES: Partial<Record<DriverName, SizeCase[]>> = {
  "lighttpd-mbedtls": MBEDTLS_CASES,
  "lighttpd-wolfssl": NO_NAMES_CASES,
  mariadb: NO_NAMES_CASES,
};
/**
 * Every driver × TLS 1.2/1.3 against one runtime; one server per driver, reused via reload.
 * `serverHosts`: addresses the server certificate must name besides 127.0.0.1 (a remote engine's).
 */
export function driverSuite(
  makeRuntime: () => Promise<Runtime>,
  serverHosts: readonly string[] = [],
  drivers: readonly DriverName[] = DRIVER_NAMES,
): void {
  let runtime: Runtime;
  let pki: TestPki;
  let small: RootStore;
  beforeAll(async () => {
    runtime = await makeRuntime();
    pki = await sharedTestPki(serverHosts);
    small = await storeOfBytes(3_000, [pki.clientIssuerEntry]);
  });
  afterAll(async () => {
    await runtime?.close();
  });

  for (const name of drivers) {
    describe(name, () => {
      const driver = DRIVERS[name];
      // The versions the product speaks (mbedTLS 2.28 has no TLS 1.3 server), and the policy it starts
      // with: `all` unless it cannot send its store (wolfSSL sends no names at all).
      const versions = BOTH.filter((v) => DRIVER_VERSIONS[name]?.includes(v) ?? true);
      const sendsStore = driver.capabilities.all[versions[0]!].supported;
      const startPolicy: IssuerPolicy = sendsStore ? { kind: "all" } : { kind: "none" };
      let server: StartedTlsServer | undefined;
      let unavailable: string | undefined;

      beforeAll(async () => {
        const a = await driver.available(runtime);
        if (!a.ok) {
          // A missing binary or image skips here and fails in CI, where every server is provisioned.
          unavailable = missingHere(name, a.reason);
          return;
        }
        server = await driver.start(
          { store: small, policy: startPolicy, tls: versions, clientAuth: "require", pki },
          runtime,
        );
      });
      afterAll(async () => {
        await server?.stop();
        if (server) expect(await server.isRunning()).toBe(false);
      });

      const load = (store: RootStore, policy: IssuerPolicy = startPolicy) => server!.reload(store, policy);

      it("reports its exact package versions", ({ skip }) => {
        if (unavailable) skip(unavailable);
        const v = server!.versions();
        expect(v.runtime).toBe(runtime.kind);
        expect(Object.keys(v).length).toBeGreaterThan(1);
      });

      it("small list: advertises every name, accepts the client, rejects the stranger", async ({ skip }) => {
        if (unavailable) skip(unavailable);
        // Reversed, so that a server that sorts cannot match file order by accident.
        const store = small.withEntries([...small.entries].reverse());
        await load(store);
        for (const tls of versions) {
          const a = await advertised(server!, tls, pki.client);
          expect(a.outcome, `TLS ${tls}`).toBe("ok");
          const want = sendsStore ? store.entries.map(entryCn) : [];
          if (SORTED.has(name)) {
            expect([...a.cns!].sort()).toEqual([...want].sort());
            expect(a.cns, "sorted, not file order").not.toEqual(want);
          } else if (UNORDERED.has(name)) expect([...a.cns!].sort()).toEqual([...want].sort());
          else expect(a.cns, "file order").toEqual(want);
          expect(await accepts(server!, tls, pki.client), `client on TLS ${tls}`).toBe("accepted");
          expect(await accepts(server!, tls, pki.stranger), `stranger on TLS ${tls}`).toBe("rejected");
          expect(await accepts(server!, tls, undefined), `no certificate on TLS ${tls}`).toBe("rejected");
        }
      });

      // s_server, gnutls-serv and stunnel reload by restarting on the same port: no in-place case to test.
      const pidFile = PID_FILE[name];
      if (pidFile)
        it("reloads in place where the server can (same master process, new list served)", async ({
          skip,
        }) => {
          if (unavailable) skip(unavailable);
          // Pid files are written into the server folder's writable state/ part.
          const path = join((server as DriverServer).dir, STATE_DIR, pidFile);
          const before = (await readFile(path, "utf8")).trim();
          const store = await storeOfBytes(20_000, [pki.clientIssuerEntry]);
          const report = await load(store);
          expect(report).toMatchObject({ how: "in-place", servedCheck: { kind: "probed" } });
          expect((await readFile(path, "utf8")).trim()).toBe(before);
          expect((await advertised(server!, "1.2", pki.client)).cns?.length).toBe(store.count);
        });

      // Up to five restarts (servers that reload by restarting), each seconds long on a loaded machine.
      it("CA-list size limits on TLS 1.2 and 1.3, as the limits table has them for the version run", async ({
        skip,
      }) => {
        if (unavailable) skip(unavailable);
        let cases = SIZE_CASES[name];
        if (!cases) {
          // The table's entry for the version this server reported; none is a failure in CI.
          const m = measuredLimits(name as ServerStack, server!.versions());
          if (!m.ok) return unmeasured(m.reason, skip);
          cases = [];
          for (const bytes of casesFor(m.limits, EXTRA_SIZES[name])) {
            const store = await storeOfBytes(bytes, [pki.clientIssuerEntry]);
            const raw = store.caListBytes - 2 * store.count;
            cases.push({
              bytes,
              expect: {
                "1.2": expectedAt(m.limits["1.2"], bytes, raw),
                "1.3": expectedAt(m.limits["1.3"], bytes, raw),
              },
            });
          }
        }
        for (const c of cases) {
          const store = await storeOfBytes(c.bytes, [pki.clientIssuerEntry]);
          expect(store.caListBytes).toBe(c.bytes);
          const report = await load(store);
          // A list past what servers send cannot be checked after an in-place reload: the report says so.
          if (report.how === "in-place")
            expect(report.servedCheck.kind, `${name} at ${c.bytes} bytes`).toBe(
              c.bytes > CHECKABLE_LIST_BYTES ? "skipped" : "probed",
            );
          for (const tls of versions) {
            const a = await advertised(server!, tls, pki.client);
            const e = c.expect[tls];
            const where = `${name} TLS ${tls} at ${c.bytes} bytes`;
            expect(a.outcome, where).toBe(e.outcome);
            if (e.outcome === "ok") {
              expect(a.cns?.length, where).toBe(e.names ?? store.count);
              expect(await accepts(server!, tls, pki.client), where).toBe("accepted");
            } else {
              if (e.alert) expect(a.alert, where).toBe(e.alert);
              if (e.error) expect(a.error, where).toMatch(e.error);
            }
          }
        }
      }, 180_000);

      it("policy none: advertises nothing, still accepts the client and rejects the stranger", async ({
        skip,
      }) => {
        if (unavailable) skip(unavailable);
        const store = await storeOfBytes(30_000, [pki.clientIssuerEntry]);
        if (!driver.capabilities.none[versions[0]!].supported) {
          await expect(load(store, { kind: "none" })).rejects.toBeInstanceOf(InputError);
          return;
        }
        await load(store, { kind: "none" });
        for (const tls of versions) {
          const a = await advertised(server!, tls, pki.client);
          expect(a.outcome, `TLS ${tls}`).toBe("ok");
          expect(a.cns, `TLS ${tls}`).toEqual([]);
          expect(await accepts(server!, tls, pki.client), `client on TLS ${tls}`).toBe("accepted");
          expect(await accepts(server!, tls, pki.stranger), `stranger on TLS ${tls}`).toBe("rejected");
        }
        // wolfSSL 5.5.4 closes every gnutls-cli 3.7.9 handshake, TLS 1.2 and 1.3, without an alert
        // ("non-properly terminated"; measured with any list: an interop failure, not about CA names).
        if (name === "lighttpd-wolfssl") {
          for (const tls of versions)
            expect((await gnutlsCliHandshake(server!, tls, pki.client)).output).toMatch(
              /non-properly terminated/,
            );
          return;
        }
        // gnutls-cli 3.7.9 has no MySQL STARTTLS: the TLS 1.3 extension check needs another client there.
        if (driver.starttls === "mysql") return;
        expect((await gnutlsCliHandshake(server!, "1.2", pki.client)).ok, "gnutls-cli TLS 1.2").toBe(true);
        // gnutls-cli tells an empty TLS 1.3 extension (decode error) from an omitted one.
        if (!versions.includes("1.3")) return;
        const cli = await gnutlsCliHandshake(server!, "1.3", pki.client);
        expect(cli.ok, `gnutls-cli TLS 1.3 against ${name} none:\n${cli.output.slice(-400)}`).toBe(
          !EMPTY_CA_EXTENSION.has(name),
        );
        if (EMPTY_CA_EXTENSION.has(name))
          expect(cli.output).toMatch(/Error decoding the received TLS packet/);
      });

      it("truncate-bytes (schannel 16,384): advertises exactly the fitting prefix, trusts the rest", async ({
        skip,
      }) => {
        if (unavailable) skip(unavailable);
        const strangerCa = new RootEntry(pki.strangerIssuer.certDer, { origin: "stranger-issuer" });
        // The stranger's CA goes last: trusted, but cut off the advertised list.
        const base = await storeOfBytes(40_000, [pki.clientIssuerEntry]);
        const store = base.withEntries([...base.entries, strangerCa]);
        const policy: IssuerPolicy = { kind: "truncate-bytes", bytes: 16_384, preset: "schannel" };
        if (!driver.capabilities["truncate-bytes"][versions[0]!].supported) {
          await expect(load(store, policy)).rejects.toBeInstanceOf(InputError);
          return;
        }
        await load(store, policy);
        const want = intendedAdvertised(store, policy).map(entryCn);
        expect(want.length).toBe(Math.floor((16_384 - pki.clientIssuerEntry.caNameBytes) / 128) + 1);
        for (const tls of versions) {
          const a = await advertised(server!, tls, pki.client);
          expect(a.outcome, `TLS ${tls}`).toBe("ok");
          if (SORTED.has(name) || UNORDERED.has(name)) expect([...a.cns!].sort()).toEqual([...want].sort());
          else expect(a.cns).toEqual(want);
          expect(a.cns).not.toContain(entryCn(strangerCa));
          expect(await accepts(server!, tls, pki.client), `client on TLS ${tls}`).toBe("accepted");
          expect(
            await accepts(server!, tls, pki.stranger),
            `unadvertised but trusted issuer on TLS ${tls}`,
          ).toBe("accepted");
        }
      });

      it("explicit: advertises exactly the given entries, trusts them and the store", async ({ skip }) => {
        if (unavailable) skip(unavailable);
        const strangerCa = new RootEntry(pki.strangerIssuer.certDer, { origin: "stranger-issuer" });
        // The policy names subjects; the stranger's CA joins the store so the server holds its certificate.
        const chosen = [small.entries[5]!, strangerCa, small.entries[2]!];
        const withStranger = small.withEntries([...small.entries, strangerCa]);
        const policy: IssuerPolicy = { kind: "explicit", subjects: chosen.map((e) => e.subjectDer) };
        if (!driver.capabilities.explicit[versions[0]!].supported) {
          await expect(load(withStranger, policy)).rejects.toBeInstanceOf(InputError);
          return;
        }
        await load(withStranger, policy);
        const want = chosen.map(entryCn);
        for (const tls of versions) {
          const a = await advertised(server!, tls, pki.client);
          expect(a.outcome, `TLS ${tls}`).toBe("ok");
          if (SORTED.has(name) || UNORDERED.has(name)) expect([...a.cns!].sort()).toEqual([...want].sort());
          else expect(a.cns).toEqual(want);
          // The client's issuer is in the store but not advertised; the stranger's is advertised.
          expect(await accepts(server!, tls, pki.client), `client on TLS ${tls}`).toBe("accepted");
          expect(await accepts(server!, tls, pki.stranger), `stranger on TLS ${tls}`).toBe("accepted");
        }
      });

      it("clientAuth optional: no certificate is let in, a certificate from an unknown CA is not", async ({
        skip,
      }) => {
        if (unavailable) skip(unavailable);
        if (!driver.optionalClientAuth.supported) {
          await expect(
            driver.start(
              { store: small, policy: startPolicy, tls: versions, clientAuth: "optional", pki },
              runtime,
            ),
          ).rejects.toBeInstanceOf(InputError);
          return;
        }
        await using optional = await driver.start(
          { store: small, policy: startPolicy, tls: versions, clientAuth: "optional", pki },
          runtime,
        );
        for (const tls of versions) {
          expect((await advertised(optional, tls, pki.client)).cns?.length, `TLS ${tls}`).toBe(
            sendsStore ? small.count : 0,
          );
          expect(await accepts(optional, tls, undefined), `no certificate on TLS ${tls}`).toBe("accepted");
          expect(await accepts(optional, tls, pki.client), `client on TLS ${tls}`).toBe("accepted");
          expect(await accepts(optional, tls, pki.stranger), `stranger on TLS ${tls}`).toBe("rejected");
        }
      });

      it("legacyCompat: a TLS 1.0 RSA-key-exchange client (the forge model) gets through", async ({
        skip,
      }) => {
        if (unavailable) skip(unavailable);
        const legacyConfig = {
          store: small,
          policy: startPolicy,
          tls: versions,
          clientAuth: "require" as const,
          pki,
          legacyCompat: true,
        };
        if (!driver.legacy.supported) {
          await expect(driver.start(legacyConfig, runtime)).rejects.toBeInstanceOf(InputError);
          return;
        }
        await using legacy = await driver.start(
          {
            store: small,
            policy: { kind: "all" },
            tls: versions,
            clientAuth: "require",
            pki,
            legacyCompat: true,
          },
          runtime,
        );
        expect(await accepts(legacy, "1.0-rsa", pki.client)).toBe("accepted");
        expect(await accepts(legacy, "1.0-rsa", pki.stranger)).toBe("rejected");
        expect(await accepts(server!, "1.0-rsa", pki.client), "without legacyCompat").toBe("rejected");
      });

      it("is reported unavailable, and refused, rather than faked when its binary is missing", async () => {
        // The real runtime, except that it finds no binaries: what a host without the package looks like.
        const bare = new Proxy(runtime, {
          get: (target, prop, receiver) =>
            prop === "hasBinary"
              ? async (bin: string) => ({ ok: false, reason: `${bin} is not installed (test: empty PATH)` })
              : Reflect.get(target, prop, receiver),
        });
        const a = await driver.available(bare);
        expect(a.ok).toBe(false);
        expect(a.reason).toMatch(/not installed/);
        await expect(
          driver.start(
            { store: small, policy: startPolicy, tls: versions, clientAuth: "require", pki },
            bare,
          ),
        ).rejects.toBeInstanceOf(EngineError);
      });
    });
  }
}
