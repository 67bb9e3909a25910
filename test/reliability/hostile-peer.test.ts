import { describe, expect, it } from "vitest";
import { probe } from "../../harness/probe/probe.ts";
import { HOSTILE_MODES, type HostileMode, startHostilePeer } from "../fixtures/hostile-peer.ts";
import { everyClientFailsWithin } from "../support/hostile-clients.ts";

/** What each broken peer must be classified as, by the probe. */
const EXPECTED: Record<HostileMode, RegExp> = {
  "reset-after-client-hello": /^reset$/,
  stall: /^timeout$/,
  garbage: /^malformed$/,
  "huge-message": /^excessive-size$/,
  "wrapped-length": /^malformed$/,
  "close-mid-record": /^(reset|malformed)$/,
  "endless-flight": /^malformed$/,
  "oversized-flight": /^excessive-size$/,
};

describe("hostile TLS peers", () => {
  it("the probe classifies each within its timeout, with bounded memory, and the sweep goes on", async () => {
    const timeoutMs = 1500;
    const heapBefore = process.memoryUsage().heapUsed;
    const seen: Record<string, string> = {};
    for (const mode of HOSTILE_MODES) {
      await using peer = await startHostilePeer(mode);
      for (const tls of ["1.2", "1.3"] as const) {
        const t0 = performance.now();
        const r = await probe({
          host: peer.host,
          port: peer.port,
          tls,
          timeoutMs,
          maxMessageBytes: 1024 * 1024,
        });
        const ms = performance.now() - t0;
        expect(ms, `${mode} took ${ms}ms`).toBeLessThan(timeoutMs + 1000);
        seen[`${mode}/${tls}`] = r.outcome.class;
        if (tls === "1.2") expect(r.outcome.class, mode).toMatch(EXPECTED[mode]);
      }
    }
    expect(Object.keys(seen)).toHaveLength(HOSTILE_MODES.length * 2);
    // The 16 MiB declaration must not have been buffered.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it("a flight that never ends is cut at a fixed number of messages, with memory bounded", async () => {
    await using peer = await startHostilePeer("endless-flight");
    const rss = process.memoryUsage().rss;
    // The default message cap (16 MiB), as the CLI uses it; a long timeout, so only the flight
    // bound can end this. Before the bound the probe reached 1.2 GB in 6 s against this peer.
    const r = await probe({ host: peer.host, port: peer.port, tls: "1.2", timeoutMs: 8_000 });
    expect(r.outcome.class).toBe("malformed");
    expect(JSON.stringify(r.outcome)).toMatch(/handshake messages/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(128 * 1024 * 1024);
  }, 30_000);

  it("a flight over 1 MiB in few messages is excessive-size", async () => {
    await using peer = await startHostilePeer("oversized-flight");
    const r = await probe({ host: peer.host, port: peer.port, tls: "1.2", timeoutMs: 8_000 });
    expect(r.outcome.class).toBe("excessive-size");
    expect(JSON.stringify(r.outcome)).toMatch(/1048576/);
  }, 30_000);

  it("the wrapped 16-bit length is named as such", async () => {
    await using peer = await startHostilePeer("wrapped-length");
    const r = await probe({ host: peer.host, port: peer.port, tls: "1.2", timeoutMs: 3000 });
    expect(r.outcome).toMatchObject({ class: "malformed" });
    expect(JSON.stringify(r.outcome)).toMatch(/wrap/i);
  });

  it("every client ends each hostile case with a typed outcome within its timeout", async (ctx) => {
    const missing = new Set<string>();
    for (const mode of HOSTILE_MODES) {
      await using peer = await startHostilePeer(mode);
      for (const m of await everyClientFailsWithin(peer, mode, { timeoutMs: 1_500, slackMs: 2_500 }))
        missing.add(m);
    }
    if (missing.size > 0) ctx.skip([...missing].join("; "));
  }, 120_000);
});
