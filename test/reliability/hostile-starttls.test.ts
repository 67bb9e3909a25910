import { describe, expect, it } from "vitest";
import {
  STARTTLS_PEER_MODES,
  type StartTlsPeerMode,
  startStartTlsPeer,
} from "../fixtures/hostile-starttls-peer.ts";
import { everyClientFailsWithin, probeNamesWithin } from "../support/hostile-clients.ts";

/** What the probe must call each answer to the PostgreSQL SSLRequest. */
const EXPECTED: Record<StartTlsPeerMode, { class: string; detail: RegExp }> = {
  "answer-n": { class: "no-certificate-request", detail: /answered 'N'/ },
  garbage: { class: "malformed", detail: /0x48, not 'S' or 'N'/ },
  silence: { class: "timeout", detail: /SSLRequest|STARTTLS/ },
  close: { class: "reset", detail: /closed during the PostgreSQL SSLRequest/ },
  "error-response": {
    class: "no-certificate-request",
    detail: /ErrorResponse: FATAL 53300 sorry, too many clients/,
  },
  "extra-after-s": { class: "malformed", detail: /7 bytes after 'S'/ },
};

describe("hostile STARTTLS (PostgreSQL SSLRequest) peers", () => {
  it("the probe names each answer within its timeout", async () => {
    const timeoutMs = 1_500;
    for (const mode of STARTTLS_PEER_MODES) {
      await using peer = await startStartTlsPeer(mode);
      const r = await probeNamesWithin(peer, mode, {
        timeoutMs,
        starttls: "postgres",
        expected: EXPECTED[mode],
      });
      expect(peer.requests, `${mode}: the peer saw an intact SSLRequest`).toBe(1);
      expect(r.certificateRequest, mode).toBeUndefined();
    }
  }, 30_000);

  it("every client ends each case with a typed, non-ok outcome within its timeout", async (ctx) => {
    const missing = new Set<string>();
    // The clients that speak the prelude (model/client-spec.ts SPEAKS_STARTTLS).
    for (const mode of STARTTLS_PEER_MODES) {
      await using peer = await startStartTlsPeer(mode);
      const left = await everyClientFailsWithin(peer, mode, {
        timeoutMs: 2_000,
        slackMs: 2_000,
        starttls: "postgres",
      });
      for (const m of left) missing.add(m);
    }
    if (missing.size > 0) ctx.skip([...missing].join("; "));
  }, 120_000);
});
