import { DerError, readWhole } from "./der.ts";

// "TRUSTED CERTIFICATE" (OpenSSL aux trust data after the DER) is deliberately not read.
const CERT_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);
const B64_RE = /^[A-Za-z0-9+/=\s]*$/;
/** Longest label between `-----BEGIN ` and `-----` that is taken as one (RFC 7468 labels are short). */
const MAX_LABEL = 64;

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
  let sawBegin = false;
  for (const block of pemCertificateBodies(text, () => (sawBegin = true))) {
    const n = out.length + 1;
    // Node's base64 decoder skips whitespace but also silently drops invalid characters.
    if (!B64_RE.test(block)) throw new DerError(`PEM block ${n}: invalid base64`);
    const der = Buffer.from(block, "base64");
    if (der.length === 0) throw new DerError(`PEM block ${n}: empty`);
    readWhole(der, `PEM block ${n}`);
    out.push(der);
  }
  if (out.length === 0)
    throw new DerError(sawBegin ? "PEM file has no CERTIFICATE blocks" : "PEM file has no certificates");
  return out;
}

/**
 * The bodies of the CERTIFICATE blocks in `text`, in order, in one forward pass: every search
 * starts where the previous one stopped, so hostile input (megabytes of BEGIN lines and no END)
 * costs linear time. A BEGIN CERTIFICATE must be closed by an END CERTIFICATE before the next
 * BEGIN; other labels (keys, TRUSTED CERTIFICATE) are skipped.
 * @throws DerError naming the block that is not closed
 */
function* pemCertificateBodies(text: string, onBegin: () => void): Generator<string> {
  let n = 0;
  let pos = text.indexOf("-----BEGIN ");
  while (pos >= 0) {
    onBegin();
    const labelStart = pos + 11;
    const labelEnd = text.indexOf("-----", labelStart);
    if (labelEnd < 0) return;
    if (labelEnd - labelStart > MAX_LABEL) {
      pos = text.indexOf("-----BEGIN ", labelStart);
      continue;
    }
    const label = text.slice(labelStart, labelEnd);
    const bodyStart = labelEnd + 5;
    const next = text.indexOf("-----BEGIN ", bodyStart);
    if (!CERT_LABELS.has(label)) {
      pos = next;
      continue;
    }
    n++;
    const end = text.indexOf("-----END ", bodyStart);
    if (end < 0 || (next >= 0 && next < end))
      throw new DerError(`PEM block ${n}: BEGIN CERTIFICATE without matching END`);
    const endLabelEnd = text.indexOf("-----", end + 9);
    const endLabel =
      endLabelEnd < 0 || endLabelEnd - end > 9 + MAX_LABEL ? "" : text.slice(end + 9, endLabelEnd);
    if (!CERT_LABELS.has(endLabel))
      throw new DerError(`PEM block ${n}: BEGIN CERTIFICATE ended by END ${endLabel || "(no label)"}`);
    yield text.slice(bodyStart, end);
    pos = next;
  }
}
