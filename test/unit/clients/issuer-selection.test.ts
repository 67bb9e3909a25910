import { describe, expect, it } from "vitest";
import { selectIdentity, withIssuerSelection } from "../../../harness/clients/issuer-selection.ts";
import { sharedTestPki } from "../../../harness/pki/test-pki.ts";

describe("issuer-hint selection (KB 2801679)", () => {
  it("presents the certificate when its issuer is advertised or the list is empty/unknown", async () => {
    const pki = await sharedTestPki();
    const issuer = pki.clientIssuerEntry.subjectDer;
    expect(selectIdentity(pki, "client", [issuer]).identity).toBe(pki.client);
    expect(selectIdentity(pki, "client", []).identity).toBe(pki.client);
    expect(selectIdentity(pki, "client", undefined).identity).toBe(pki.client);
    expect(selectIdentity(pki, "none", [issuer])).toEqual({ identity: undefined, withheld: false });
  });

  it("withholds it when a non-empty list lacks the issuer, and names the failure", async () => {
    const pki = await sharedTestPki();
    const other = [Uint8Array.of(0x30, 0x00)];
    expect(selectIdentity(pki, "client", other)).toEqual({ withheld: true });
    // The stranger's issuer is not the client issuer: withheld against the client issuer's list.
    expect(selectIdentity(pki, "stranger", [pki.clientIssuerEntry.subjectDer]).withheld).toBe(true);
    const r = await withIssuerSelection(
      { host: "h", port: 1, tls: "1.2", pki, advertised: other },
      async (id) => {
        expect(id).toBeUndefined();
        return { outcome: { class: "server-alert", alert: "handshake_failure" }, ms: 1 };
      },
    );
    expect(r.outcome).toEqual({
      class: "issuer-not-advertised",
      detail:
        "no certificate sent: issuer not among 1 advertised names; server: server-alert handshake_failure",
    });
    const okWithout = await withIssuerSelection(
      { host: "h", port: 1, tls: "1.2", pki, advertised: other },
      async () => ({
        outcome: { class: "ok" },
        ms: 1,
      }),
    );
    expect(okWithout.outcome).toEqual({ class: "ok" });
  });
});
