import { createHash } from "node:crypto";
import { asn1TimeToIso } from "./filetime.ts";
import { parsing, readInputFile } from "./input.ts";
import { RootEntry, RootStore } from "./root-store.ts";

/** Load Mozilla NSS `certdata.txt`. */
export interface CertdataSpec {
  kind: "certdata";
  path: string;
  /**
   * Trust bit that selects roots (CKT_NSS_TRUSTED_DELEGATOR). Default "serverAuth", the selection
   * of curl's mk-ca-bundle; "any" keeps every certificate object.
   */
  purpose?: "serverAuth" | "emailProtection" | "codeSigning" | "any";
}

/** One attribute as written: `CKA_X TYPE value`, MULTILINE_OCTAL already decoded to bytes. */
type Attr = { type: string; value: string; bytes?: Uint8Array };
type NssObject = { line: number; attrs: Map<string, Attr> };

const TRUST_ATTR = {
  serverAuth: "CKA_TRUST_SERVER_AUTH",
  emailProtection: "CKA_TRUST_EMAIL_PROTECTION",
  codeSigning: "CKA_TRUST_CODE_SIGNING",
} as const;
const EKU_OF = {
  serverAuth: "1.3.6.1.5.5.7.3.1",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  codeSigning: "1.3.6.1.5.5.7.3.3",
} as const;

const OCTAL_LINE = /^(?:\\[0-7]{3})+$/;
const TRUST_VALUES =
  /^CKT_NSS_(TRUSTED_DELEGATOR|MUST_VERIFY_TRUST|NOT_TRUSTED|TRUST_UNKNOWN|VALID_DELEGATOR|TRUSTED)$/;

/**
 * Parse certdata.txt into objects. Format (NSS lib/ckfw/builtins): after `BEGINDATA`, each object
 * is a run of `CKA_* TYPE value` lines starting at CKA_CLASS; `MULTILINE_OCTAL` values continue on
 * lines of `\ooo` escapes up to `END`. Comments (#) and blank lines separate objects.
 * @throws Error naming the line
 */
export function parseCertdata(text: string): NssObject[] {
  const lines = text.split(/\r?\n/);
  // The real file ends with a newline; a file cut anywhere else would otherwise parse as a
  // shorter, valid-looking list (a half line like `CKT_NSS_TRUST` is caught below too).
  if (!text.endsWith("\n")) throw new Error("file does not end with a newline (truncated?)");
  lines.pop(); // the "" after the final newline
  const begin = lines.findIndex((l) => l.trim() === "BEGINDATA");
  if (begin < 0) throw new Error("not a certdata.txt: no BEGINDATA line");
  const objects: NssObject[] = [];
  let cur: NssObject | undefined;
  for (let i = begin + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(CKA_[A-Z0-9_]+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: cannot parse "${line.slice(0, 60)}"`);
    const [, name, type, rest = ""] = m as unknown as [string, string, string, string?];
    if (name === "CKA_CLASS") {
      cur = { line: i + 1, attrs: new Map() };
      objects.push(cur);
    }
    if (!cur) throw new Error(`line ${i + 1}: ${name} before the first CKA_CLASS`);
    if (type === "MULTILINE_OCTAL") {
      const chunks: number[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const l = lines[j]!.trim();
        if (l === "END") break;
        if (!OCTAL_LINE.test(l)) throw new Error(`line ${j + 1}: bad octal data in ${name}`);
        for (let k = 0; k < l.length; k += 4) {
          const v = Number.parseInt(l.slice(k + 1, k + 4), 8);
          if (v > 255) throw new Error(`line ${j + 1}: octal escape \\${l.slice(k + 1, k + 4)} above 255`);
          chunks.push(v);
        }
      }
      if (j >= lines.length) throw new Error(`line ${i + 1}: ${name} has no END (truncated file?)`);
      cur.attrs.set(name, { type, value: "", bytes: Uint8Array.from(chunks) });
      i = j;
    } else {
      if (rest === "") throw new Error(`line ${i + 1}: ${name} has no value`);
      if (type === "UTF8" && !/^".*"$/.test(rest)) throw new Error(`line ${i + 1}: unterminated UTF8 string`);
      if (type === "CK_TRUST" && !TRUST_VALUES.test(rest))
        throw new Error(`line ${i + 1}: ${name} value "${rest}" is not a CKT_NSS_* trust value`);
      cur.attrs.set(name, { type, value: type === "UTF8" ? rest.slice(1, -1) : rest });
    }
  }
  return objects;
}

/**
 * Load certdata.txt: CKO_CERTIFICATE objects joined to CKO_NSS_TRUST objects by
 * CKA_CERT_SHA1_HASH, kept when the chosen trust attribute is CKT_NSS_TRUSTED_DELEGATOR, in file
 * order. CKA_NSS_SERVER_DISTRUST_AFTER is recorded in `info.serverDistrustAfter` but does not
 * drop the root (data/rootstores/SOURCES.md).
 * @throws InputError naming the file and line
 */
export function loadCertdata(spec: CertdataSpec): RootStore {
  const bytes = readInputFile(spec.path);
  const purpose = spec.purpose ?? "serverAuth";
  return parsing(spec.path, () => {
    const text = Buffer.from(bytes).toString("utf8");
    const objects = parseCertdata(text);
    const trust = new Map<string, NssObject>();
    const certs: NssObject[] = [];
    let trustObjects = 0;
    for (const o of objects) {
      const cls = o.attrs.get("CKA_CLASS")?.value;
      if (cls === "CKO_CERTIFICATE") certs.push(o);
      else if (cls === "CKO_NSS_TRUST") {
        trustObjects++;
        const h = o.attrs.get("CKA_CERT_SHA1_HASH")?.bytes;
        // Distrust entries for certificates not in the file match by issuer + serial only.
        if (!h) continue;
        if (h.length !== 20)
          throw new Error(`line ${o.line}: CKA_CERT_SHA1_HASH is ${h.length} bytes, expected 20`);
        trust.set(Buffer.from(h).toString("hex"), o);
      }
    }
    if (certs.length === 0) throw new Error("no CKO_CERTIFICATE objects");
    const entries: RootEntry[] = [];
    for (const c of certs) {
      const der = c.attrs.get("CKA_VALUE")?.bytes;
      if (!der) throw new Error(`line ${c.line}: certificate object without CKA_VALUE`);
      const sha1 = createHash("sha1").update(der).digest("hex");
      const t = trust.get(sha1);
      if (!t) throw new Error(`line ${c.line}: certificate ${sha1} has no trust object (truncated file?)`);
      const trustedFor = (Object.keys(TRUST_ATTR) as (keyof typeof TRUST_ATTR)[]).filter(
        (p) => t.attrs.get(TRUST_ATTR[p])?.value === "CKT_NSS_TRUSTED_DELEGATOR",
      );
      if (purpose !== "any" && !trustedFor.includes(purpose)) continue;
      const label = c.attrs.get("CKA_LABEL")?.value;
      const distrust = c.attrs.get("CKA_NSS_SERVER_DISTRUST_AFTER")?.bytes;
      let serverDistrustAfter: string | undefined;
      if (distrust) {
        const s = Buffer.from(distrust).toString("latin1");
        serverDistrustAfter = asn1TimeToIso(s, s.length === 15);
        if (!serverDistrustAfter) throw new Error(`line ${c.line}: bad CKA_NSS_SERVER_DISTRUST_AFTER "${s}"`);
      }
      let entry: RootEntry;
      try {
        entry = new RootEntry(der, {
          origin: "certdata",
          ekus: trustedFor.map((p) => EKU_OF[p]),
          ...(label !== undefined ? { friendlyName: label } : {}),
          ...(serverDistrustAfter ? { serverDistrustAfter } : {}),
        });
      } catch (err) {
        throw new Error(`line ${c.line}: CKA_VALUE is not a certificate: ${(err as Error).message}`);
      }
      entries.push(entry);
    }
    return new RootStore(spec.path, "certdata", entries, {
      certificates: certs.length,
      trustObjects,
    });
  });
}
