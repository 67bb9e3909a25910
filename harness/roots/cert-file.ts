import { DerError, readWhole } from "./der.ts";

// "TRUSTED CERTIFICATE" (OpenSSL aux trust data after the DER) is deliberately not read.
const PEM_RE = /-----BEGIN (?:X509 )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 )?CERTIFICATE-----/g;
const B64_RE = /^[A-Za-z0-9+/=\s]*$/;

/** A Buffer view of the same bytes (no copy). */
function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True when the bytes look like PEM text rather than DER. */
export function looksLikePem(bytes: Uint8Array): boolean {
  return view(bytes)
    .subarray(0, 64 * 1024)
    .includes("-----BEGIN");
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
  const text = view(bytes).toString("latin1");
  const out: Uint8Array[] = [];
  let n = 0;
  for (const m of text.matchAll(PEM_RE)) {
    n++;
    const body = m[1]!;
    // Node's base64 decoder skips whitespace but also silently drops invalid characters.
    if (!B64_RE.test(body)) throw new DerError(`PEM block ${n}: invalid base64`);
    const der = Buffer.from(body, "base64");
    if (der.length === 0) throw new DerError(`PEM block ${n}: empty`);
    readWhole(der, `PEM block ${n}`);
    out.push(der);
  }
  if (n === 0) {
    throw new DerError(
      text.includes("-----BEGIN") ? "PEM file has no CERTIFICATE blocks" : "PEM file has no certificates",
    );
  }
  let certBegins = 0;
  for (let i = text.indexOf("CERTIFICATE-----"); i >= 0; i = text.indexOf("CERTIFICATE-----", i + 16))
    if (/-----BEGIN (?:X509 )?$/.test(text.slice(Math.max(0, i - 16), i))) certBegins++;
  if (certBegins !== n) throw new DerError(`PEM block ${n + 1}: BEGIN CERTIFICATE without matching END`);
  return out;
}
