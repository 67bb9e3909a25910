import { describe, expect, it } from "vitest";
import type { CaSetup } from "../../../harness/check/ca-setup.ts";
import { check } from "../../../harness/check/check.ts";
import { COMMON_CLIENT_STACKS, clientCoverage } from "../../../harness/check/common-stacks.ts";
import { CLIENT_PROFILES } from "../../../harness/check/limits.ts";
import { checkJson } from "../../../harness/check/render-json.ts";
import { checkText } from "../../../harness/check/render-text.ts";

const empty: CaSetup = {
  source: "empty",
  advertise: [],
  verifyOnly: [],
  caNames: "sent",
  from: [],
  notes: [],
};

describe("check names the clients it judged and the common stacks it has no limit for", () => {
  it("the 'no limit for' list is the common stacks without an entry in the limits table (it shrinks as entries are added)", () => {
    const c = clientCoverage(["java", "go"]);
    const known = Object.keys(CLIENT_PROFILES);
    expect(c.noLimitFor.map((s) => s.stack)).toEqual(
      COMMON_CLIENT_STACKS.map((s) => s.id).filter((id) => !known.includes(id)),
    );
    // Today's table has none of these; a stack with an entry leaves the list.
    for (const id of ["schannel", "boringssl", "nss"]) expect(c.noLimitFor.map((s) => s.stack)).toContain(id);
    const withMbed = clientCoverage(["java"], { ...CLIENT_PROFILES, mbedtls: { tls: ["1.2", "1.3"] } });
    expect(withMbed.noLimitFor.map((s) => s.stack)).not.toContain("mbedtls");
    expect(withMbed.notNamed).toContain("mbedtls");
  });

  it("each judged client says what its figure rests on", () => {
    const c = clientCoverage(["java", "openssl", "gnutls", "rustls"]);
    expect(c.judged).toEqual([
      { client: "java", basis: "measured" },
      { client: "openssl", basis: "source" },
      { client: "gnutls", basis: "no-size-cap" },
      { client: "rustls", basis: "measured" },
    ]);
    expect(c.notNamed).not.toContain("java");
    expect(c.notNamed).toContain("forge");
  });

  it("the text never says 'every client': it names those judged and those it cannot speak for; JSON carries the same", () => {
    const r = check(empty, { servers: ["nginx"], tls: ["1.2"], clients: ["java", "go"] });
    const t = checkText(r);
    expect(t).not.toContain("every client");
    expect(t).toContain("✓ predicted to work for nginx and the 2 clients judged (java, go)");
    expect(t).toMatch(/^ {2}clients judged: java go \(measured\)$/m);
    const missing = clientCoverage(["java", "go"]).noLimitFor;
    if (missing.length) {
      expect(t).toContain("no limit in the table for (not judged):");
      for (const s of missing) expect(t).toContain(s.stack);
    }
    expect((checkJson(r) as { coverage: unknown }).coverage).toEqual(clientCoverage(["java", "go"]));
  });
});
