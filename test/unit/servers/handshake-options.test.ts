import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../../harness/errors.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { RootStore } from "../../../harness/roots/root-store.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import { checkHandshakeOptions } from "../../../harness/servers/handshake-options.ts";
import { planIssuers } from "../../../harness/servers/issuer-plan.ts";
import type { ServerConfig } from "../../../harness/servers/server-config.ts";
import { TlsServer } from "../../../harness/servers/tls-server.ts";

let pki: TestPki;
let store: RootStore;
beforeAll(async () => {
  pki = await sharedTestPki();
  store = new RootStore("test", "mixed", [pki.clientIssuerEntry]);
});

const openssl = () => new TlsServer("openssl").withPki(pki).withRoots(store);
const check = (driver: keyof typeof DRIVERS, config: ServerConfig) =>
  checkHandshakeOptions(driver, DRIVERS[driver].definition?.handshake ?? {}, config);

/** The s_server command line the openssl driver renders for `config`. */
function argv(config: ServerConfig): string[] {
  const def = DRIVERS.openssl.definition!;
  return def.render({
    config,
    plan: planIssuers(config.store, config.policy),
    dir: "/d",
    listenHost: "127.0.0.1",
    listenPort: 4433,
    extraPorts: [],
    file: (n) => `/d/${n}`,
    state: (n) => `/d/state/${n}`,
    node: "node",
  }).argv;
}

describe("handshake options (no CertificateRequest, groups, TLS 1.2 ciphers)", () => {
  it("the openssl driver renders each one", () => {
    const plain = argv(openssl().config());
    expect(plain).toEqual(expect.arrayContaining(["-Verify", "3", "-verify_return_error"]));
    expect(plain).not.toContain("-groups");
    expect(plain).not.toContain("-cipher");
    const none = argv(openssl().withClientAuth("none").config());
    expect(none.filter((a) => /^-(V|v)erify/.test(a))).toEqual([]);
    expect(argv(openssl().withGroups(["P-384", "X25519"]).config())).toEqual(
      expect.arrayContaining(["-groups", "P-384:X25519"]),
    );
    const rsa = argv(openssl().withTls(["1.2"]).withCipher12("AES128-GCM-SHA256").config());
    expect(rsa.slice(rsa.indexOf("-cipher"), rsa.indexOf("-cipher") + 2)).toEqual([
      "-cipher",
      "AES128-GCM-SHA256",
    ]);
  });

  it("refuses each one, naming the field, on a driver that cannot express it", () => {
    const nginx = () => new TlsServer("nginx").withPki(pki).withRoots(store);
    expect(() => check("nginx", nginx().withClientAuth("none").config())).toThrow(
      /^nginx\.clientAuth: "none" \(no CertificateRequest\) is not supported by nginx$/,
    );
    expect(() => check("nginx", nginx().withGroups(["P-256"]).config())).toThrow(/^nginx\.groups: /);
    expect(() => check("nginx", nginx().withCipher12("AES128-SHA").config())).toThrow(/^nginx\.cipher12: /);
    expect(() => check("nginx", nginx().config())).not.toThrow();
  });

  it("refuses values that are wrong whatever the driver", () => {
    const bad: [TlsServer, RegExp][] = [
      [openssl().withGroups(["P-999"]), /^openssl\.groups: "P-999" is not one of P-256, /],
      [openssl().withGroups([]), /^openssl\.groups: is empty/],
      [openssl().withGroups(["P-256", "P-256"]), /^openssl\.groups: "P-256:P-256" names a group twice$/],
      [
        openssl().withCipher12("AES128-SHA -x"),
        /^openssl\.cipher12: "AES128-SHA -x" is not an OpenSSL cipher string$/,
      ],
      [openssl().withTls(["1.3"]).withCipher12("AES128-SHA"), /has no effect without TLS 1\.2$/],
      [openssl().withCipher12("AES128-SHA").withLegacyCompat(), /and legacyCompat both set the cipher list/],
      [
        openssl().withClientAuth("none").withIssuerPolicy({ kind: "none" }),
        /^openssl\.policy: "none" means nothing/,
      ],
    ];
    for (const [server, message] of bad) {
      const run = () => check("openssl", server.config());
      expect(run).toThrow(InputError);
      expect(run).toThrow(message);
    }
    expect(() =>
      check("openssl", openssl().withGroups(["P-384"]).withCipher12("ECDHE-RSA-AES128-GCM-SHA256").config()),
    ).not.toThrow();
  });

  it("a refused option stops the start before anything runs", async () => {
    // DRIVERS.nginx.start checks before it asks the runtime anything: no runtime is needed to refuse.
    await expect(
      new TlsServer("nginx")
        .withPki(pki)
        .withRoots(store)
        .withClientAuth("none")
        .start(undefined as never),
    ).rejects.toThrow(/nginx\.clientAuth/);
  });
});
