import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { acceptableIssuers, selectIdentity } from "../../../harness/clients/issuer-selection.ts";
import { identityFiles } from "../../../harness/clients/pki-files.ts";
import { InputError } from "../../../harness/errors.ts";
import { createTestPki } from "../../../harness/pki/test-pki.ts";
import { withUserIdentity } from "../../../harness/pki/user-identity.ts";
import { exportPkcs12, makeUserPki } from "../../support/user-pki.ts";

describe("a user's identity", async () => {
  const base = await createTestPki();
  const flat = makeUserPki();
  const chained = makeUserPki({ name: "Acme Chained Root CA", intermediate: true });

  it("PEM: their certificate and CA replace rootload's client and client issuer; the key file is used where it is", () => {
    const pki = withUserIdentity(base, {
      cert: flat.file("client.pem"),
      key: flat.file("client.key"),
      issuer: flat.file("ca.pem"),
    });
    expect(pki.clientIssuerEntry.subject).toBe(flat.caSubject);
    expect(pki.server).toBe(base.server);
    expect(pki.stranger).toBe(base.stranger);
    expect(identityFiles(pki.client)).toEqual({
      cert: flat.file("client.pem"),
      key: flat.file("client.key"),
    });
  });

  it("PKCS#12 with the password from an environment variable, and a chain: selected by any CA up the chain", () => {
    process.env.ROOTLOAD_TEST_P12 = "correct horse";
    const p12 = exportPkcs12(chained, "ROOTLOAD_TEST_P12", "correct horse");
    const spec = {
      pkcs12: p12,
      passwordEnv: "ROOTLOAD_TEST_P12",
      issuer: chained.file("ca.pem"),
      chain: chained.file("inter.pem"),
    };
    const pki = withUserIdentity(base, spec);
    expect(pki.client.chainDer).toHaveLength(1);
    expect(pki.client.keyFile).toBeUndefined();
    // Advertising only the root is enough for a selecting client: the chain leads there.
    expect(selectIdentity(pki, "client", [pki.clientIssuerEntry.subjectDer]).withheld).toBe(false);
    expect(selectIdentity(pki, "client", [base.clientIssuerEntry.subjectDer]).withheld).toBe(true);
    expect(acceptableIssuers(pki.client)).toHaveLength(3);
    // Command-line clients get a 0600 temporary copy of a PKCS#12 key (it exists in no file).
    const files = identityFiles(pki.client);
    expect(files.key).not.toBe(chained.file("client.key"));
    expect(statSync(files.key).mode & 0o777).toBe(0o600);

    process.env.ROOTLOAD_TEST_P12 = "wrong";
    expect(() => withUserIdentity(base, spec)).toThrow(
      new RegExp(`^identity.pkcs12: ${p12} cannot be opened with the password in ROOTLOAD_TEST_P12`),
    );
    delete process.env.ROOTLOAD_TEST_P12;
    expect(() => withUserIdentity(base, spec)).toThrow(
      "identity.passwordEnv: environment variable ROOTLOAD_TEST_P12 is not set",
    );
  });

  it("an issuer that did not issue the certificate is bad input, naming both", () => {
    const e = (() => {
      try {
        withUserIdentity(base, {
          cert: flat.file("client.pem"),
          key: flat.file("client.key"),
          issuer: chained.file("ca.pem"),
        });
      } catch (err) {
        return err as InputError;
      }
    })();
    expect(e).toBeInstanceOf(InputError);
    expect(e?.message).toMatch(
      /^identity.issuer: .*ca.pem \(.*Acme Chained Root CA.*\) did not issue the client certificate \(issuer: .*Acme Enterprise Root CA/,
    );
  });
});
