import { afterAll, describe, it } from "vitest";
import { CLIENTS } from "../../harness/clients/index.ts";
import { MAIL_PEER_MODES, type MailPeerMode, startMailPeer } from "../fixtures/hostile-mail-peer.ts";
import { everyClientFailsWithin, probeNamesWithin } from "../support/hostile-clients.ts";
import type { MailProtocol } from "../support/starttls-servers.ts";

const PROTOCOLS: readonly MailProtocol[] = ["smtp", "imap", "ldap"];

// python is one interpreter for the whole file.
afterAll(() => CLIENTS.python.close());

/** What the probe must call each bent prelude. */
const EXPECTED: Record<MailPeerMode, { class: string; detail: RegExp }> = {
  refuse: { class: "no-certificate-request", detail: /no STARTTLS|refused StartTLS: resultCode 2/ },
  garbage: { class: "malformed", detail: /HTTP\/1\.1 400 Bad Request|first byte 0x48/ },
  silence: { class: "timeout", detail: /greeting|EHLO|CAPABILITY|StartTLS|STARTTLS/ },
  close: { class: "reset", detail: /closed during/ },
  inject: { class: "malformed", detail: /bytes after its (220 reply|answer|StartTLS success)/ },
};

describe("hostile STARTTLS (SMTP, IMAP, LDAP) peers replaying real servers' bytes", () => {
  it("the probe names each bent prelude within its timeout", async () => {
    const timeoutMs = 1_500;
    for (const protocol of PROTOCOLS)
      for (const mode of MAIL_PEER_MODES) {
        await using peer = await startMailPeer(protocol, mode);
        await probeNamesWithin(peer, `${protocol} ${mode}`, {
          timeoutMs,
          starttls: protocol,
          expected: EXPECTED[mode],
        });
      }
  }, 60_000);

  it("every client that speaks the prelude ends each case with a typed, non-ok outcome within its timeout", async (ctx) => {
    const missing = new Set<string>();
    for (const protocol of PROTOCOLS)
      for (const mode of MAIL_PEER_MODES) {
        await using peer = await startMailPeer(protocol, mode);
        for (const m of await everyClientFailsWithin(peer, `${protocol} ${mode}`, {
          timeoutMs: 2_000,
          slackMs: 2_000,
          starttls: protocol,
        }))
          missing.add(m);
      }
    if (missing.size > 0) ctx.skip([...missing].join("; "));
  }, 240_000);
});
