import { DerError, readWhole } from "./der.ts";

// "TRUSTED CERTIFICATE" (OpenSSL aux trust data after the DER) is deliberately not read.
const PEM_RE = /-----BEGIN (?:X509 )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 )?CERTIFICATE-----/g;
const B64_RE = /^[A-Za-z0-9+/=\s]*$/;

/** True when the bytes look like PEM text rather than DER. */
export function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64 * 1024))).toString("latin1");
  return head.includes("-----BEGIN");
}

/**
 * The certificates in a file: every PEM CERTIFICATE block, or the file itself as one DER
 * certificate. Each result is checked to be one complete DER element (no trailing bytes), so a
 * truncated or padded certificate fails here, not later in a server.
 * @throws DerError naming the block number and what is wrong
 */
export function readCertificates(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length === 0) throw new DerError("empty file");
  if (!looksLikePem(bytes)) {
    if (bytes[0] !== 0x30)
      throw new DerError("neither PEM nor a DER certificate (first byte is not SEQUENCE)");
    readWhole(bytes, "DER certificate");
    return [bytes];
  }
  const text = Buffer.from(bytes).toString("latin1");
  const out: Uint8Array[] = [];
  let n = 0;
  for (const m of text.matchAll(PEM_RE)) {
    n++;
    const body = m[1]!;
    if (!B64_RE.test(body)) throw new DerError(`PEM block ${n}: invalid base64`);
    const der = new Uint8Array(Buffer.from(body.replace(/\s+/g, ""), "base64"));
    if (der.length === 0) throw new DerError(`PEM block ${n}: empty`);
    readWhole(der, `PEM block ${n}`);
    out.push(der);
  }
  const begins = text.split("-----BEGIN").length - 1;
  const certBegins = (text.match(/-----BEGIN (?:X509 )?CERTIFICATE-----/g) ?? []).length;
  if (certBegins !== n) throw new DerError(`PEM block ${n + 1}: BEGIN CERTIFICATE without matching END`);
  if (n === 0)
    throw new DerError(begins > 0 ? "PEM file has no CERTIFICATE blocks" : "PEM file has no certificates");
  return out;
}
