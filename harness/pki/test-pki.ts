import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";
import { RootEntry } from "../roots/root-store.ts";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** A key pair and certificate, as PEM (what servers and clients load). */
export interface CertAndKey {
  /** The certificate, followed by its chain (intermediates) when it has one. */
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
  /** Intermediate CAs sent with the certificate, leaf-side first (a user's identity). */
  chainDer?: Uint8Array[];
  /** The user's own key file: command-line clients read it there instead of from a copy. */
  keyFile?: string;
  /** The user's own certificate file (when it holds exactly what `certPem` does). */
  certFile?: string;
}

/**
 * The certificates a run needs besides the root list: the server's own certificate, the
 * "client issuer" CA (an enterprise CA that signs the test client's certificate and is placed in
 * the root list), the client certificate, and a stranger: a client from a CA the server does not trust.
 * RSA 2048 throughout, because node-forge's TLS client only does RSA key exchange.
 */
export interface TestPki {
  server: CertAndKey;
  /** The CA that issued `server` (a verifying client's trust anchor, e.g. psql sslmode=verify-full). */
  serverCa: CertAndKey;
  clientIssuer: CertAndKey;
  /** The client issuer as a root-store entry. */
  clientIssuerEntry: RootEntry;
  client: CertAndKey;
  strangerIssuer: CertAndKey;
  stranger: CertAndKey;
}

const RSA: RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function pemKey(k: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", k);
  return x509.PemConverter.encode(der, "PRIVATE KEY") + "\n";
}

async function pack(cert: x509.X509Certificate, key: CryptoKey): Promise<CertAndKey> {
  return {
    certPem: cert.toString("pem") + "\n",
    keyPem: await pemKey(key),
    certDer: new Uint8Array(cert.rawData),
  };
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

async function makeCa(
  name: string,
  serial: string,
): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial,
    name,
    notBefore: new Date(Date.now() - 24 * 3600 * 1000),
    notAfter: new Date(Date.now() + 10 * YEAR_MS),
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function makeLeaf(
  issuer: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  name: string,
  serial: string,
  usage: "server" | "client",
  serverHosts: readonly string[] = [],
): Promise<CertAndKey> {
  const keys = await keyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([usage === "server" ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"]),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.cert, false),
  ];
  if (usage === "server") {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
        ...serverHosts
          .filter((h) => h !== "localhost" && h !== "127.0.0.1")
          .map((h) => ({ type: isIP(h) ? ("ip" as const) : ("dns" as const), value: h })),
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: name,
    issuer: issuer.cert.subject,
    notBefore: new Date(Date.now() - 24 * 3600 * 1000),
    notAfter: new Date(Date.now() + 2 * YEAR_MS),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: RSA,
    extensions,
  });
  return pack(cert, keys.privateKey);
}

/**
 * Make a fresh test PKI (about a second: five RSA 2048 keys). The server certificate names
 * localhost, 127.0.0.1 and `serverHosts` (a remote engine's address, where its servers are reached).
 */
export async function createTestPki(serverHosts: readonly string[] = []): Promise<TestPki> {
  const serverCa = await makeCa("CN=rootload test server CA,O=rootload", "01");
  const clientIssuer = await makeCa(
    "CN=rootload Enterprise Client Issuing CA,O=rootload test enterprise,C=US",
    "02",
  );
  const strangerIssuer = await makeCa("CN=rootload Stranger CA,O=not trusted by the server", "03");
  const server = await makeLeaf(serverCa, "CN=localhost,O=rootload test server", "10", "server", serverHosts);
  const client = await makeLeaf(
    clientIssuer,
    "CN=rootload test client,O=rootload test enterprise",
    "11",
    "client",
  );
  const stranger = await makeLeaf(strangerIssuer, "CN=rootload stranger client", "12", "client");
  const clientIssuerPack = await pack(clientIssuer.cert, clientIssuer.keys.privateKey);
  return {
    server,
    serverCa: await pack(serverCa.cert, serverCa.keys.privateKey),
    clientIssuer: clientIssuerPack,
    clientIssuerEntry: new RootEntry(clientIssuerPack.certDer, { origin: "client-issuer" }),
    client,
    strangerIssuer: await pack(strangerIssuer.cert, strangerIssuer.keys.privateKey),
    stranger,
  };
}

const cached = new Map<string, Promise<TestPki>>();
/** One PKI per process (and server address set): key generation is the slow part of a small run. */
export function sharedTestPki(serverHosts: readonly string[] = []): Promise<TestPki> {
  const key = [...serverHosts].sort().join(",");
  let p = cached.get(key);
  if (!p) {
    p = createTestPki(serverHosts);
    cached.set(key, p);
  }
  return p;
}
