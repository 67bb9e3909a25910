import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import forge from "node-forge";
import { InputError } from "../errors.ts";
import type { IdentitySpec } from "../model/identity.ts";
import { RootEntry } from "../roots/root-store.ts";
import type { CertAndKey, TestPki } from "./test-pki.ts";

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function read(where: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new InputError(where, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Every certificate of a PEM file, parsed (so a broken one is bad input here, not a failed handshake). */
function pemCertificates(where: string, file: string): X509Certificate[] {
  const blocks = read(where, file).toString("utf8").match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new InputError(where, `${file} holds no PEM certificate`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (err) {
      throw new InputError(where, `${file}: certificate ${i + 1} does not parse (${(err as Error).message})`);
    }
  });
}

const pemOf = (c: X509Certificate) => `${c.toString().trim()}\n`;

function fromPem(
  where: string,
  spec: Extract<IdentitySpec, { cert: string }>,
): { cert: X509Certificate; keyPem: string; keyFile: string; certFile: string } {
  const [cert] = pemCertificates(`${where}.cert`, spec.cert);
  const keyText = read(`${where}.key`, spec.key).toString("utf8");
  try {
    createPrivateKey(keyText);
  } catch (err) {
    // The message of a failed key parse never includes the key's bytes.
    throw new InputError(
      `${where}.key`,
      `${spec.key} is not an unencrypted PEM private key (${(err as Error).message})`,
    );
  }
  return { cert: cert!, keyPem: keyText, keyFile: spec.key, certFile: spec.cert };
}

function fromPkcs12(
  where: string,
  spec: Extract<IdentitySpec, { pkcs12: string }>,
): { cert: X509Certificate; keyPem: string; extra: X509Certificate[] } {
  let password = "";
  if (spec.passwordEnv !== undefined) {
    const v = process.env[spec.passwordEnv];
    if (v === undefined)
      throw new InputError(`${where}.passwordEnv`, `environment variable ${spec.passwordEnv} is not set`);
    password = v;
  }
  const der = read(`${where}.pkcs12`, spec.pkcs12);
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString("binary")), password);
  } catch (err) {
    throw new InputError(
      `${where}.pkcs12`,
      `${spec.pkcs12} cannot be opened${spec.passwordEnv ? ` with the password in ${spec.passwordEnv}` : " without a password (set passwordEnv)"}: ${(err as Error).message}`,
    );
  }
  const bags = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  const key = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)].find(
    (b) => b.key,
  )?.key;
  if (!key) throw new InputError(`${where}.pkcs12`, `${spec.pkcs12} holds no private key`);
  const certs = bags(forge.pki.oids.certBag!)
    .filter((b) => b.cert)
    .map((b) => new X509Certificate(forge.pki.certificateToPem(b.cert!)));
  const keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)));
  const leaf = certs.find((c) => c.checkPrivateKey(createPrivateKey(keyPem)));
  if (!leaf) throw new InputError(`${where}.pkcs12`, `${spec.pkcs12} holds no certificate for its key`);
  return { cert: leaf, keyPem, extra: certs.filter((c) => c !== leaf) };
}

/**
 * The user's client identity in place of rootload's test client: their certificate (with its
 * chain) and key, and their CA as the client issuer, which the growth series places at
 * `roots.clientIssuer`. The server certificate and the stranger stay rootload's. A PEM key is
 * read, never copied: command-line clients get its own path. A PKCS#12 key exists only in memory
 * here; clients that need a file get a 0600 temporary one (see clients/pki-files.ts).
 */
export function withUserIdentity(base: TestPki, spec: IdentitySpec, where = "identity"): TestPki {
  const issuerCert = pemCertificates(`${where}.issuer`, spec.issuer)[0]!;
  const chain = spec.chain ? pemCertificates(`${where}.chain`, spec.chain) : [];
  let client: CertAndKey;
  if ("pkcs12" in spec) {
    const p = fromPkcs12(where, spec);
    // CAs in the PKCS#12 besides the user's root issuer are its chain, unless given separately.
    const inner = spec.chain ? chain : p.extra.filter((c) => !c.raw.equals(issuerCert.raw));
    client = {
      certPem: [p.cert, ...inner].map(pemOf).join(""),
      keyPem: p.keyPem,
      certDer: new Uint8Array(p.cert.raw),
      chainDer: inner.map((c) => new Uint8Array(c.raw)),
    };
  } else {
    const p = fromPem(where, spec);
    client = {
      certPem: [p.cert, ...chain].map(pemOf).join(""),
      keyPem: p.keyPem,
      certDer: new Uint8Array(p.cert.raw),
      chainDer: chain.map((c) => new Uint8Array(c.raw)),
      keyFile: p.keyFile,
      ...(chain.length === 0 ? { certFile: p.certFile } : {}),
    };
  }
  const last = chain.at(-1) ?? new X509Certificate(client.certPem.match(PEM_CERT)!.at(-1)!);
  if (!last.checkIssued(issuerCert))
    throw new InputError(
      `${where}.issuer`,
      `${spec.issuer} (${issuerCert.subject.replace(/\n/g, ", ")}) did not issue ${chain.length ? "the last certificate of the chain" : "the client certificate"} (issuer: ${last.issuer.replace(/\n/g, ", ")})`,
    );
  return {
    ...base,
    client,
    clientIssuer: { certPem: pemOf(issuerCert), keyPem: "", certDer: new Uint8Array(issuerCert.raw) },
    clientIssuerEntry: new RootEntry(new Uint8Array(issuerCert.raw), { origin: "client-issuer" }),
  };
}
