import { createPrivateKey, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTestPki } from "../../../harness/pki/test-pki.ts";
import { RootEntry } from "../../../harness/roots/root-store.ts";

describe("test PKI", () => {
  it("issues a client certificate that verifies against the client issuer, and a stranger that does not", async () => {
    const pki = await createTestPki();
    const issuer = new X509Certificate(pki.clientIssuer.certPem);
    const client = new X509Certificate(pki.client.certPem);
    const stranger = new X509Certificate(pki.stranger.certPem);
    expect(client.verify(issuer.publicKey)).toBe(true);
    expect(stranger.verify(issuer.publicKey)).toBe(false);
    expect(client.checkIssued(issuer)).toBe(true);
    // The client's issuer name, byte for byte, is the CA name a server would advertise.
    const clientEntry = new RootEntry(pki.client.certDer);
    expect(Buffer.from(clientEntry.issuerDer)).toEqual(Buffer.from(pki.clientIssuerEntry.subjectDer));
    expect(pki.clientIssuerEntry.subject).toContain("CN=rootload Enterprise Client Issuing CA");
    expect(new X509Certificate(pki.server.certPem).checkHost("localhost")).toBe("localhost");
    expect(client.checkPrivateKey(createPrivateKey(pki.client.keyPem))).toBe(true);
  });
});
