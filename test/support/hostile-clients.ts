import { expect } from "vitest";
import { CLIENTS } from "../../harness/clients/index.ts";
import { SPEAKS_STARTTLS } from "../../harness/model/client-spec.ts";
import { CLIENT_NAMES } from "../../harness/model/names.ts";
import type { StartTlsProtocol } from "../../harness/model/starttls.ts";
import { sharedTestPki } from "../../harness/pki/test-pki.ts";
import { type ProbeResult, probe } from "../../harness/probe/probe.ts";
import { missingHere } from "./require-here.ts";

/**
 * Every client (those that speak `starttls`, when given) against one hostile peer, side by side:
 * each ends with a typed, non-ok outcome within its timeout plus `slackMs` (process start-up), so a
 * silent peer costs one timeout, not one per client. A client missing here is left out and named in
 * the result (the caller skips with it); in CI (CI=true) it fails instead.
 */
export async function everyClientFailsWithin(
  peer: { host: string; port: number },
  what: string,
  o: { timeoutMs: number; slackMs: number; starttls?: StartTlsProtocol },
): Promise<string[]> {
  const pki = await sharedTestPki();
  const missing: string[] = [];
  const names = o.starttls
    ? CLIENT_NAMES.filter((n) => SPEAKS_STARTTLS[n].includes(o.starttls!))
    : CLIENT_NAMES;
  await Promise.all(
    names.map(async (name) => {
      const client = CLIENTS[name];
      const a = await client.available();
      if (!a) {
        missing.push(missingHere(`client ${name}`, "not installed")!);
        return;
      }
      // Persistent clients start their process first (a JVM with BouncyCastle's signed jars takes
      // seconds on a loaded machine): the bound under test is the handshake's, not the start-up's.
      await client.version?.();
      const t0 = performance.now();
      const r = await client.handshake({
        host: peer.host,
        port: peer.port,
        tls: "1.2",
        pki,
        timeoutMs: o.timeoutMs,
        ...(o.starttls ? { starttls: o.starttls } : {}),
      });
      const ms = performance.now() - t0;
      expect(ms, `${name} vs ${what}: ${ms} ms`).toBeLessThan(o.timeoutMs + o.slackMs);
      expect(r.outcome.class, `${name} vs ${what}: ${JSON.stringify(r.outcome)}`).not.toBe("ok");
    }),
  );
  return missing;
}

/**
 * The probe against one hostile STARTTLS peer (TLS 1.3 offered): its outcome is `expected` (class,
 * detail matching) within its timeout plus 500 ms, and it never got as far as TLS (no record came
 * back). The result, for the caller's own checks.
 */
export async function probeNamesWithin(
  peer: { host: string; port: number },
  what: string,
  o: { timeoutMs: number; starttls: StartTlsProtocol; expected: { class: string; detail: RegExp } },
): Promise<ProbeResult> {
  const t0 = performance.now();
  const r = await probe({
    host: peer.host,
    port: peer.port,
    tls: "1.3",
    timeoutMs: o.timeoutMs,
    starttls: o.starttls,
  });
  const ms = performance.now() - t0;
  expect(ms, `${what} took ${ms} ms`).toBeLessThan(o.timeoutMs + 500);
  expect(r.outcome.class, what).toBe(o.expected.class);
  expect("detail" in r.outcome ? r.outcome.detail : "", what).toMatch(o.expected.detail);
  // The prelude never reached TLS: no ClientHello went out, no TLS record came back.
  expect(r.records, what).toBe(0);
  return r;
}
