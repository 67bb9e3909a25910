import { createPrivateKey, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { InputError, messageOf } from "../errors.ts";
import type { IdentitySpec } from "../model/identity.ts";
import { readCertificates } from "../roots/cert-file.ts";
import { readInputFile } from "../roots/input.ts";
import { RootEntry } from "../roots/root-store.ts";
import type { CertAndKey, TestPki } from "./test-pki.ts";

/**
 * A file of the identity: a regular file only (a FIFO is refused, never waited on), read whole.
 * Errors name the scenario field and the file, never the file's content.
 */
function read(where: string, file: string): Buffer {
  try {
    const bytes = readInputFile(file);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (err) {
    throw new InputError(where, messageOf(err));
  }
}

/**
 * Every certificate of a PEM file, parsed (so a broken one is bad input here, not a failed
 * handshake). The PEM scan is the one forward pass of harness/roots: a megabyte of BEGIN lines
 * costs its length, not its square.
 */
function pemCertificates(where: string, file: string): X509Certificate[] {
  let ders: Uint8Array[];
  try {
    ders = readCertificates(read(where, file));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(where, `${file}: ${messageOf(err)}`);
  }
  return ders.map((b, i) => {
    try {
      return new X509Certificate(Buffer.from(b));
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

/**
 * Most key-derivation iterations a PKCS#12 file may ask for. OpenSSL 3 and Windows export 2048
 * and 2000, Java's keytool 10,000; node-forge derives about 80,000 iterations a second here (an
 * OpenSSL file of 100,000: 3.6 s), so the main thread is never held for more than a few seconds.
 */
export const MAX_PKCS12_ITERATIONS = 100_000;

/**
 * The largest iteration count in a PKCS#12 structure: the INTEGER that follows an OCTET STRING
 * salt in a SEQUENCE (MacData, pkcs-12PbeParams, PBKDF2-params), looked for in nested DER inside
 * OCTET STRINGs too (the authenticated safe and its bags). Bounded: 32 levels, 100,000 nodes.
 */
function maxIterations(root: forge.asn1.Asn1): number {
  let most = 0;
  let nodes = 0;
  const walk = (node: forge.asn1.Asn1, depth: number): void => {
    if (depth > 32 || ++nodes > 100_000) return;
    const { UNIVERSAL } = forge.asn1.Class;
    const T = forge.asn1.Type;
    if (Array.isArray(node.value)) {
      const kids = node.value as forge.asn1.Asn1[];
      kids.forEach((k, i) => {
        const prev = kids[i - 1];
        if (
          i > 0 &&
          k.tagClass === UNIVERSAL &&
          k.type === T.INTEGER &&
          prev?.tagClass === UNIVERSAL &&
          prev.type === T.OCTETSTRING &&
          typeof k.value === "string"
        ) {
          const bytes = k.value as string;
          // More than 4 significant bytes is more than any bound.
          let lead = 0;
          while (lead < bytes.length && bytes.charCodeAt(lead) === 0) lead++;
          const n =
            bytes.length - lead > 4
              ? Number.MAX_SAFE_INTEGER
              : Number.parseInt(forge.util.bytesToHex(bytes) || "0", 16);
          most = Math.max(most, n);
        }
        walk(k, depth + 1);
      });
    } else if (
      node.type === T.OCTETSTRING &&
      typeof node.value === "string" &&
      node.value.charCodeAt(0) === 0x30
    ) {
      try {
        walk(forge.asn1.fromDer(node.value as string), depth + 1);
      } catch {
        // not DER inside: a salt, a digest, encrypted bytes
      }
    }
  };
  walk(root, 0);
  return most;
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
    const asn1 = forge.asn1.fromDer(der.toString("binary"));
    // Before any key derivation: node-forge derives in JavaScript on the main thread (2^31-1
    // iterations was 1.8 h with signals unanswered).
    const most = maxIterations(asn1);
    if (most > MAX_PKCS12_ITERATIONS)
      throw new InputError(
        `${where}.pkcs12`,
        `${spec.pkcs12} asks for ${most} key-derivation iterations, over rootload's bound of ${MAX_PKCS12_ITERATIONS} (OpenSSL exports 2048: openssl pkcs12 -export -iter 2048)`,
      );
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password);
  } catch (err) {
    if (err instanceof InputError) throw err;
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
  // The certificates the client presents, leaf first: the last must be issued by `issuer`.
  let presented: X509Certificate[];
  if ("pkcs12" in spec) {
    const p = fromPkcs12(where, spec);
    // CAs in the PKCS#12 besides the user's root issuer are its chain, unless given separately.
    const inner = spec.chain ? chain : p.extra.filter((c) => !c.raw.equals(issuerCert.raw));
    presented = [p.cert, ...inner];
    client = {
      certPem: [p.cert, ...inner].map(pemOf).join(""),
      keyPem: p.keyPem,
      certDer: new Uint8Array(p.cert.raw),
      chainDer: inner.map((c) => new Uint8Array(c.raw)),
    };
  } else {
    const p = fromPem(where, spec);
    presented = [p.cert, ...chain];
    client = {
      certPem: [p.cert, ...chain].map(pemOf).join(""),
      keyPem: p.keyPem,
      certDer: new Uint8Array(p.cert.raw),
      chainDer: chain.map((c) => new Uint8Array(c.raw)),
      keyFile: p.keyFile,
      ...(chain.length === 0 ? { certFile: p.certFile } : {}),
    };
  }
  const last = presented.at(-1)!;
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
