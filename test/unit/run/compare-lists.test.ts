import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../harness/model/policy.ts";
import { createTestPki } from "../../../harness/pki/test-pki.ts";
import { intendedAdvertised } from "../../../harness/roots/intended.ts";
import { RootEntry, RootStore } from "../../../harness/roots/root-store.ts";
import { compareAdvertised } from "../../../harness/run/compare-lists.ts";
import { evaluate } from "../../../harness/run/expectations.ts";

describe("advertised vs configured", async () => {
  const pki = await createTestPki();
  const stranger = new RootEntry(pki.strangerIssuer.certDer);
  const issuer = pki.clientIssuerEntry;
  const serverCa = new RootStore("x", "pem", [stranger, issuer]);

  it("counts missing, extra, duplicates and order by DER name", () => {
    const intended = intendedAdvertised(serverCa, { kind: "all" });
    const same = compareAdvertised({
      store: serverCa,
      intended,
      wire: [stranger.subjectDer, issuer.subjectDer],
      wireListBytes: 10,
      messageBytes: 20,
      clientIssuerSubject: issuer.subjectDer,
    });
    expect(same.advertised).toMatchObject({
      count: 2,
      missing: 0,
      extra: 0,
      duplicates: 0,
      inOrder: true,
      bytes: 10,
    });
    expect(same.clientIssuerAdvertised).toBe(true);
    const swapped = compareAdvertised({
      store: serverCa,
      intended,
      wire: [issuer.subjectDer, stranger.subjectDer],
      wireListBytes: 10,
      messageBytes: 20,
      clientIssuerSubject: issuer.subjectDer,
    });
    expect(swapped.advertised?.inOrder).toBe(false);
    const cut = compareAdvertised({
      store: serverCa,
      intended,
      wire: [stranger.subjectDer, stranger.subjectDer, pki.client.certDer.subarray(0, 5)],
      wireListBytes: 10,
      messageBytes: 20,
      clientIssuerSubject: issuer.subjectDer,
    });
    expect(cut.advertised).toMatchObject({ count: 3, missing: 1, extra: 1, duplicates: 1 });
    expect(cut.clientIssuerAdvertised).toBe(false);
    expect(
      compareAdvertised({
        store: serverCa,
        intended,
        wireListBytes: 0,
        messageBytes: 0,
        clientIssuerSubject: issuer.subjectDer,
      }),
    ).toEqual({
      advertised: null,
      clientIssuerAdvertised: null,
    });
  });

  it("truncate-bytes keeps the longest prefix that fits", () => {
    const b = stranger.caNameBytes;
    expect(intendedAdvertised(serverCa, parsePolicy(`truncate-bytes:${b}`)!)).toEqual([stranger]);
    expect(intendedAdvertised(serverCa, parsePolicy(`truncate-bytes:${b - 1}`)!)).toEqual([]);
    expect(intendedAdvertised(serverCa, parsePolicy("schannel")!)).toHaveLength(2);
  });

  it("evaluates expectations per matching case", () => {
    const base = {
      id: "a",
      server: "nginx",
      tls: "1.2" as const,
      client: "node" as const,
      policy: "all",
      step: { index: 0, label: "s" },
      configured: { count: 2, caListBytes: 70_000 },
      intended: { count: 2, bytes: 70_000 },
      advertised: null,
      limitHeadroomBytes: -4465,
      clientIssuer: { position: 1 },
      clientIssuerAdvertised: null,
      probeOutcome: { class: "server-alert" as const, alert: "internal_error" },
      outcome: { class: "server-alert" as const, alert: "internal_error" },
      startedAt: "",
      durationMs: 1,
    };
    const r = evaluate(
      [
        { when: { minBytes: 65_536 }, outcome: "server-alert", alert: "internal_error" },
        { when: { maxBytes: 65_481 }, outcome: "ok" },
        { outcome: "ok", name: "everything works" },
      ],
      base,
    );
    expect(r).toEqual([
      { expect: "outcome server-alert, alert internal_error", pass: true, message: "ok" },
      {
        expect: "everything works",
        pass: false,
        message: "outcome is server-alert (internal_error), expected ok",
      },
    ]);
  });
});
