import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../errors.ts";
import { extractCab } from "./cab.ts";
import { readCertificates } from "./cert-file.ts";
import { type Ctl, type CtlSubject, parseCtl } from "./ctl.ts";
import { isDirectory, parsing, readInputFile } from "./input.ts";
import { RootEntry, RootStore } from "./root-store.ts";

export const EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
export const EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** Which trust purpose a CTL entry must carry to be kept. */
export type CtlPurpose = "serverAuth" | "clientAuth" | "any";

/** Load a Microsoft CTL (`authroot.stl` or `authrootstl.cab`). */
export interface CtlSpec {
  kind: "ctl";
  path: string;
  /**
   * Directory of `<SHA1>.crt` files (PEM or DER). Default: `certs/` beside the CTL if present, else
   * `../certs` (the certificate pool of a data folder, docs/data.md).
   */
  certs?: string;
  /**
   * Default "any". For "serverAuth"/"clientAuth" an entry must have an EKU property (prop 9) that
   * lists it: entries without the property (a handful of Microsoft-owned code-signing and
   * timestamping roots) do not count, which is data/rootstores/SOURCES.md's "serverAuth" definition.
   */
  purpose?: CtlPurpose;
  /**
   * Evaluate dates as of this instant (ISO 8601 or Date). Without it, any disallowed date
   * (prop 104) disables the entry and NotBefore (prop 126) is ignored. With it, prop 104 applies
   * from its date on, and an entry whose NotBefore date (prop 126) is at or before asOf is treated
   * as disabled — a certificate issued then no longer chains — when prop 127 is absent or lists
   * the purpose (for purpose "any": only when prop 127 is absent).
   */
  asOf?: string | Date;
  /** Keep disabled entries (default false). With purpose "any" and this, the store is the whole CTL. */
  includeDisabled?: boolean;
}

/** Whether an entry passes a purpose/date filter, and why not. */
export type CtlVerdict = { keep: true; disabled: boolean } | { keep: false; reason: CtlExclusion };

/**
 * Why a CTL entry was left out: no EKU for the purpose asked; disallowed (prop 104/122); or its
 * NotBefore date (prop 126/127) has passed as of the date asked.
 */
export type CtlExclusion = "purpose" | "disabled" | "notBefore";

/** The option that keeps entries excluded for each reason (CLI spelling). */
export const CTL_KEEP_FLAG: Record<CtlExclusion, string> = {
  purpose: "--purpose any",
  disabled: "--include-disabled",
  notBefore: "--include-disabled",
};

const PURPOSE_OID: Record<Exclude<CtlPurpose, "any">, string> = {
  serverAuth: EKU_SERVER_AUTH,
  clientAuth: EKU_CLIENT_AUTH,
};

/**
 * Apply the purpose and date rules documented on {@link CtlSpec}. "Disabled" = prop 104 in effect,
 * or the purpose listed in prop 122 (disallowed EKU), or (with asOf) NotBefore passed: for
 * serverAuth without asOf this is exactly data/rootstores/SOURCES.md's "serverAuth & not disabled".
 */
export function ctlVerdict(
  s: CtlSubject,
  purpose: CtlPurpose = "any",
  asOf?: Date,
  includeDisabled = false,
): CtlVerdict {
  const oid = purpose === "any" ? undefined : PURPOSE_OID[purpose];
  if (oid && !s.ekus?.includes(oid)) return { keep: false, reason: "purpose" };
  let reason: CtlExclusion | undefined;
  if (s.disallowedSince && (!asOf || Date.parse(s.disallowedSince) <= asOf.getTime())) reason = "disabled";
  if (oid && s.disallowedEkus?.includes(oid)) reason = "disabled";
  if (!reason && asOf && s.notBefore && Date.parse(s.notBefore) <= asOf.getTime()) {
    // Like prop 122, an EKU-limited NotBefore (prop 127) leaves the root usable for other EKUs,
    // so for purpose "any" only an unrestricted NotBefore disables it.
    const applies = !s.notBeforeEkus || (oid !== undefined && s.notBeforeEkus.includes(oid));
    if (applies) reason = "notBefore";
  }
  if (reason && !includeDisabled) return { keep: false, reason };
  return { keep: true, disabled: reason !== undefined };
}

/** Read an `.stl` or `.cab` file and decode the CTL in it. */
export function readCtl(path: string): Ctl {
  const bytes = readInputFile(path);
  return parsing(path, () => parseCtl(ctlBytes(path, bytes)));
}

function ctlBytes(path: string, bytes: Uint8Array): Uint8Array {
  const isCab = bytes[0] === 0x4d && bytes[1] === 0x53 && bytes[2] === 0x43 && bytes[3] === 0x46;
  if (!isCab) {
    if (path.toLowerCase().endsWith(".cab")) throw new InputError(path, "not a cabinet (no MSCF signature)");
    return bytes;
  }
  const files = extractCab(bytes);
  const stl =
    files.find((f) => f.name.toLowerCase() === "authroot.stl") ?? files.find((f) => /\.stl$/i.test(f.name));
  if (!stl)
    throw new InputError(path, `cabinet holds no .stl file (found: ${files.map((f) => f.name).join(", ")})`);
  return stl.data;
}

function parseAsOf(v: string | Date | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new InputError("asOf", `"${String(v)}" is not a date`);
  return d;
}

/** Index a certificate directory by lower-case file stem (the SHA-1 thumbprint). */
function certIndex(dir: string): Map<string, string> {
  const map = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new InputError(
      dir,
      `certificate directory cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  for (const name of names) {
    const stem = name.replace(/\.(crt|cer|der|pem)$/i, "").toLowerCase();
    if (/^[0-9a-f]{40}$/.test(stem)) map.set(stem, join(dir, name));
  }
  return map;
}

/** `certs/` beside the CTL, else the pool of the data folder it is in (`<program>/certs`). */
function defaultCertDir(ctlPath: string): string {
  const beside = join(dirname(ctlPath), "certs");
  if (isDirectory(beside)) return beside;
  const pool = join(dirname(ctlPath), "..", "certs");
  return isDirectory(pool) ? pool : beside;
}

/**
 * Load a CTL as a RootStore: decode, filter, resolve each thumbprint to `<SHA1>.crt`. Entries
 * without a certificate are left out and listed in `meta.missingCerts`. Store order = CTL order.
 * @throws InputError for unreadable/malformed files or a certificate whose SHA-1 is not its name
 */
export function loadCtl(spec: CtlSpec): RootStore {
  const asOf = parseAsOf(spec.asOf);
  const ctl = readCtl(spec.path);
  const certDir = spec.certs ?? defaultCertDir(spec.path);
  if (spec.certs !== undefined && !isDirectory(spec.certs))
    throw new InputError(spec.certs, "certificate directory does not exist");
  const index = isDirectory(certDir) ? certIndex(certDir) : new Map<string, string>();
  const entries: RootEntry[] = [];
  const missing: string[] = [];
  const excluded: Record<CtlExclusion, number> = { purpose: 0, disabled: 0, notBefore: 0 };
  for (const s of ctl.subjects) {
    const v = ctlVerdict(s, spec.purpose, asOf, spec.includeDisabled);
    if (!v.keep) {
      excluded[v.reason]++;
      continue;
    }
    const file = index.get(s.sha1);
    if (!file) {
      missing.push(s.sha1);
      continue;
    }
    const entry = parsing(file, () => {
      const ders = readCertificates(readInputFile(file));
      if (ders.length !== 1) throw new InputError(file, `holds ${ders.length} certificates, expected 1`);
      return new RootEntry(ders[0]!, {
        origin: "ctl",
        ...(s.ekus ? { ekus: s.ekus } : {}),
        ...(s.friendlyName !== undefined ? { friendlyName: s.friendlyName } : {}),
        ...(s.disallowedSince ? { disallowedSince: s.disallowedSince } : {}),
        ...(s.notBefore ? { notBefore: s.notBefore } : {}),
        disabled: v.disabled,
        ctl: s,
      });
    });
    if (entry.sha1 !== s.sha1)
      throw new InputError(file, `certificate SHA-1 is ${entry.sha1}, not ${s.sha1}`);
    if (s.sha256 && entry.sha256 !== s.sha256)
      throw new InputError(file, `certificate SHA-256 is ${entry.sha256}, CTL says ${s.sha256}`);
    entries.push(entry);
  }
  return new RootStore(spec.path, "ctl", entries, {
    thisUpdate: ctl.thisUpdate,
    ...(ctl.sequenceNumber ? { sequenceNumber: ctl.sequenceNumber } : {}),
    signature: ctl.signature,
    ...(ctl.signatureProblem ? { signatureProblem: ctl.signatureProblem } : {}),
    ...(ctl.signer ? { signer: ctl.signer } : {}),
    missingCerts: missing,
    ctlEntries: ctl.subjects.length,
    excluded,
    filter: {
      purpose: spec.purpose ?? "any",
      ...(asOf ? { asOf: asOf.toISOString() } : {}),
      includeDisabled: spec.includeDisabled ?? false,
    },
    file: basename(spec.path),
  });
}
