import { describe, expect, it } from "vitest";
import { InputError } from "../../../harness/errors.ts";
import type { DriverName } from "../../../harness/model/names.ts";
import { sharedTestPki } from "../../../harness/pki/test-pki.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { TlsServer } from "../../../harness/servers/tls-server.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { accepts, advertised } from "./wire.ts";

describe("TlsServer builder", () => {
  it("starts a server with its defaults and disposes of it", async () => {
    const pki = await sharedTestPki();
    const store = await storeOfBytes(2_000, [pki.clientIssuerEntry]);
    const runtime = new ProcessRuntime();
    try {
      await using server = await new TlsServer("openssl")
        .withRoots(store)
        .withPki(pki)
        .withIssuerPolicy({ kind: "none" })
        .withTls(["1.3"])
        .withClientAuth("optional")
        .start(runtime);
      expect((await advertised(server, "1.3", pki.client)).cns).toEqual([]);
      // optional: no certificate is fine, a bad one is not.
      expect(await accepts(server, "1.3", undefined)).toBe("accepted");
      expect(await accepts(server, "1.3", pki.stranger)).toBe("rejected");
    } finally {
      await runtime.close();
    }
  });

  it("names what is missing", () => {
    expect(() => new TlsServer("ngnix" as DriverName)).toThrow(InputError);
    expect(() => new TlsServer("nginx").config()).toThrow(/withRoots/);
  });
});
