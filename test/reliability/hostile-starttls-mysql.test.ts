import { describe, expect, it } from "vitest";
import { probe } from "../../harness/probe/probe.ts";
import { MYSQL_PEER_MODES, type MysqlPeerMode, startMysqlPeer } from "../fixtures/hostile-mysql-peer.ts";
import { everyClientFailsWithin, probeNamesWithin } from "../support/hostile-clients.ts";

/** What the probe must call each bent greeting (no-tls-after gets past the prelude: its own test). */
const EXPECTED: Record<Exclude<MysqlPeerMode, "no-tls-after">, { class: string; detail: RegExp }> = {
  refuse: { class: "no-certificate-request", detail: /offers no TLS \(CLIENT_SSL not in its capabilities/ },
  error: { class: "no-certificate-request", detail: /MySQL error 1040: "Too many connections"/ },
  garbage: { class: "malformed", detail: /a first packet of \d+ bytes .*HTTP\/1\.1 400/ },
  silence: { class: "timeout", detail: /mysql STARTTLS prelude|MySQL greeting/ },
  close: { class: "reset", detail: /closed during the MySQL greeting/ },
  inject: { class: "malformed", detail: /7 bytes after its MySQL greeting/ },
};

describe("hostile MySQL peers (MariaDB 10.11's captured greeting, bent)", () => {
  it("the probe names each bent greeting within its timeout, and sends no SSLRequest to them", async () => {
    const timeoutMs = 1_500;
    for (const mode of MYSQL_PEER_MODES) {
      if (mode === "no-tls-after") continue;
      await using peer = await startMysqlPeer(mode);
      await probeNamesWithin(peer, mode, { timeoutMs, starttls: "mysql", expected: EXPECTED[mode] });
      expect(peer.requests, mode).toBe(0);
    }
  }, 30_000);

  it("a server that takes the SSLRequest and then says nothing: the handshake times out within the bound", async () => {
    await using peer = await startMysqlPeer("no-tls-after");
    const t0 = performance.now();
    const r = await probe({
      host: peer.host,
      port: peer.port,
      tls: "1.3",
      timeoutMs: 1_500,
      starttls: "mysql",
    });
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(r.outcome.class).toBe("timeout");
    expect(peer.requests, "the SSLRequest arrived whole").toBe(1);
  });

  it("every client that speaks the prelude ends each case with a typed, non-ok outcome within its timeout", async (ctx) => {
    const missing = new Set<string>();
    for (const mode of MYSQL_PEER_MODES) {
      await using peer = await startMysqlPeer(mode);
      for (const m of await everyClientFailsWithin(peer, `mysql ${mode}`, {
        timeoutMs: 2_000,
        slackMs: 2_000,
        starttls: "mysql",
      }))
        missing.add(m);
    }
    if (missing.size > 0) ctx.skip([...missing].join("; "));
  }, 120_000);
});
