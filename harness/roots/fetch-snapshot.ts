import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, messageOf } from "../errors.ts";
import { extractCab } from "./cab.ts";
import { certPool, PROGRAMS } from "./catalog.ts";
import { readCertificates } from "./cert-file.ts";
import { parseCtl } from "./ctl.ts";
import { download, folderUrl } from "./download.ts";
import { asInputError } from "./input.ts";
import { loadCertdata } from "./load-certdata.ts";
import { loadCtl } from "./load-ctl.ts";
import { RootEntry } from "./root-store.ts";

/** Where Windows Update publishes the automatic root update CTL and every root it lists. */
export const MICROSOFT_BASE = "http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/";
/** The folder of Mozilla's root list in the NSS source tree (newest revision). */
export const MOZILLA_BASE = "https://hg.mozilla.org/projects/nss/raw-file/tip/lib/ckfw/builtins/";

/** Caps on each file (the real ones: a 74 KB cabinet, 2 KB certificates, a 1.4 MB certdata.txt). */
export const FETCH_LIMITS = {
  cabBytes: 8 * 1024 * 1024,
  certBytes: 64 * 1024,
  certdataBytes: 32 * 1024 * 1024,
  /** More CTL entries than this is not a root list. */
  ctlEntries: 20_000,
  /** Certificates downloaded at once. */
  parallel: 8,
} as const;

export interface FetchOptions {
  /** A folder URL laid out like the publisher's (default: the publisher itself). */
  from?: string;
  /** The data folder to write into (holds `<program>/<date>/`). */
  out: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Called once per file received, with how many are expected in all. */
  onProgress?: (done: number, total: number, label: string) => void;
  /** The snapshot date for sources that carry none (Mozilla): default today (UTC). */
  now?: Date;
}

/** What a fetch wrote (or found already there). */
export interface FetchResult {
  name: string;
  dir: string;
  /** False when the same snapshot was already in the data folder: nothing was written. */
  written: boolean;
  /** Roots in the list (CTL entries; certdata.txt server-auth roots). */
  roots: number;
  /** Microsoft: certificates added to the folder's pool (the others were already there). */
  newCertificates?: number;
}

/**
 * Download the current Microsoft CTL (`authrootstl.cab`) and every root it lists
 * (`<SHA-1>.crt` from the same folder), check them — the cabinet and the CTL parse, the CTL's
 * signature verifies, each certificate is one certificate whose SHA-1 (and SHA-256, where the CTL
 * lists it) is the entry's — and write `microsoft/<ThisUpdate date>/` plus the new certificates of
 * the pool. Nothing is written until everything checked out; the snapshot folder appears by one
 * rename.
 * @throws InputError (exit 2) naming the URL and the problem
 */
export async function fetchMicrosoft(o: FetchOptions): Promise<FetchResult> {
  const base = folderUrl(o.from ?? MICROSOFT_BASE);
  const limits = { ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) };
  const cabUrl = new URL(PROGRAMS.microsoft.file, base).href;
  const cab = await download(cabUrl, { ...limits, maxBytes: FETCH_LIMITS.cabBytes });
  const { stl, ctl } = decodeCab(cabUrl, cab);
  if (ctl.signature !== "valid")
    throw new InputError(
      cabUrl,
      `CTL signature is ${ctl.signature}${ctl.signatureProblem ? ` (${ctl.signatureProblem})` : ""}`,
    );
  if (ctl.subjects.length === 0 || ctl.subjects.length > FETCH_LIMITS.ctlEntries)
    throw new InputError(cabUrl, `CTL lists ${ctl.subjects.length} entries`);
  const date = ctl.thisUpdate.slice(0, 10);
  const name = `microsoft:${date}`;
  const dir = join(o.out, "microsoft", date);
  const pool = certPool(o.out);
  if (
    existsSync(join(dir, PROGRAMS.microsoft.file)) &&
    readFileSync(join(dir, PROGRAMS.microsoft.file)).equals(cab)
  )
    return { name, dir, written: false, roots: ctl.subjects.length };

  const total = ctl.subjects.length + 1;
  let done = 1;
  o.onProgress?.(done, total, PROGRAMS.microsoft.file);
  // The pool's certificates are checked like downloaded ones: a damaged file is fetched again.
  const certs = new Map<string, Uint8Array>();
  const wanted = ctl.subjects.filter((s) => {
    const have = join(pool, `${s.sha1.toUpperCase()}.crt`);
    if (!existsSync(have)) return true;
    try {
      checkCertificate(have, readFileSync(have), s.sha1, s.sha256);
      done++;
      return false;
    } catch {
      return true;
    }
  });
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < wanted.length && !failed) {
      const s = wanted[next++]!;
      const file = `${s.sha1.toUpperCase()}.crt`;
      const url = new URL(file, base).href;
      try {
        const bytes = await download(url, { ...limits, maxBytes: FETCH_LIMITS.certBytes });
        certs.set(file, checkCertificate(url, bytes, s.sha1, s.sha256));
      } catch (err) {
        failed = true; // the other workers take nothing more
        throw err;
      }
      o.onProgress?.(++done, total, file);
    }
  };
  await Promise.all(Array.from({ length: Math.min(FETCH_LIMITS.parallel, wanted.length) }, worker));

  return writeSnapshot(o.out, "microsoft", date, (tmp) => {
    writeFileSync(join(tmp, PROGRAMS.microsoft.file), cab);
    writeFileSync(join(tmp, "authroot.stl"), stl);
    mkdirSync(pool, { recursive: true });
    for (const [file, der] of certs) {
      const part = join(pool, `.${file}.${process.pid}.part`);
      writeFileSync(part, der);
      renameSync(part, join(pool, file));
    }
    // The loader itself, on what is about to become the snapshot: every entry has its certificate.
    const store = loadCtl({
      kind: "ctl",
      path: join(tmp, PROGRAMS.microsoft.file),
      certs: pool,
      includeDisabled: true,
    });
    if (store.meta.missingCerts?.length || store.count !== ctl.subjects.length)
      throw new InputError(
        cabUrl,
        `${store.meta.missingCerts?.length ?? 0} certificates missing after the download`,
      );
    return { name, dir, written: true, roots: store.count, newCertificates: certs.size };
  });
}

/**
 * Download Mozilla's `certdata.txt`, check that it parses into a root list (certificates with
 * trust objects, at least one server-auth root), and write `mozilla/<date>/certdata.txt`, the date
 * being the day of the download (certdata.txt carries none of its own).
 * @throws InputError (exit 2) naming the URL and the problem
 */
export async function fetchMozilla(o: FetchOptions): Promise<FetchResult> {
  const base = folderUrl(o.from ?? MOZILLA_BASE);
  const url = new URL(PROGRAMS.mozilla.file, base).href;
  const bytes = await download(url, {
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    maxBytes: FETCH_LIMITS.certdataBytes,
  });
  o.onProgress?.(1, 1, PROGRAMS.mozilla.file);
  const date = (o.now ?? new Date()).toISOString().slice(0, 10);
  const name = `mozilla:${date}`;
  const dir = join(o.out, "mozilla", date);
  const file = join(dir, PROGRAMS.mozilla.file);
  if (existsSync(file) && readFileSync(file).equals(bytes))
    return { name, dir, written: false, roots: countRoots(url, file) };
  return writeSnapshot(o.out, "mozilla", date, (tmp) => {
    writeFileSync(join(tmp, PROGRAMS.mozilla.file), bytes);
    return { name, dir, written: true, roots: countRoots(url, join(tmp, PROGRAMS.mozilla.file)) };
  });
}

/** Server-auth roots in a certdata.txt, through the loader; its problems are named by the URL. */
function countRoots(url: string, file: string): number {
  let store: ReturnType<typeof loadCertdata>;
  try {
    store = loadCertdata({ kind: "certdata", path: file });
  } catch (err) {
    throw new InputError(url, messageOf(err).replace(`${file}: `, ""));
  }
  if (store.count === 0) throw new InputError(url, "holds no server-auth root");
  return store.count;
}

/** The cabinet's `authroot.stl` and its decoded CTL. */
function decodeCab(url: string, cab: Uint8Array): { stl: Uint8Array; ctl: ReturnType<typeof parseCtl> } {
  try {
    const files = extractCab(cab);
    const stl = files.find((f) => f.name.toLowerCase() === "authroot.stl");
    if (!stl)
      throw new InputError(
        url,
        `cabinet holds no authroot.stl (found: ${files.map((f) => f.name).join(", ")})`,
      );
    return { stl: stl.data, ctl: parseCtl(stl.data) };
  } catch (err) {
    throw asInputError(url, err);
  }
}

/**
 * One certificate (DER as Microsoft serves it, or PEM) whose SHA-1 is the CTL entry's, and
 * SHA-256 too where the CTL lists one. Returns its DER.
 */
function checkCertificate(where: string, bytes: Uint8Array, sha1: string, sha256?: string): Uint8Array {
  let entry: RootEntry;
  try {
    const ders = readCertificates(bytes);
    if (ders.length !== 1) throw new InputError(where, `holds ${ders.length} certificates, expected 1`);
    entry = new RootEntry(ders[0]!);
  } catch (err) {
    throw asInputError(where, err);
  }
  if (entry.sha1 !== sha1)
    throw new InputError(where, `certificate SHA-1 is ${entry.sha1}, the CTL lists ${sha1}`);
  if (sha256 && entry.sha256 !== sha256)
    throw new InputError(where, `certificate SHA-256 is ${entry.sha256}, the CTL lists ${sha256}`);
  return entry.certDer;
}

/**
 * Build a snapshot in a temporary folder beside its final place and rename it there at the end;
 * on any failure the temporary folder goes and nothing is left half-written. A snapshot of the
 * same date already there (a different list published the same day) is replaced whole.
 */
function writeSnapshot(
  out: string,
  program: "microsoft" | "mozilla",
  date: string,
  fill: (tmp: string) => FetchResult,
): FetchResult {
  const parent = join(out, program);
  const tmp = join(parent, `.fetch-${date}-${randomBytes(4).toString("hex")}`);
  const old = `${tmp}.old`;
  try {
    mkdirSync(tmp, { recursive: true });
    const result = fill(tmp);
    const dir = join(parent, date);
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
    return result;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof InputError) throw err;
    throw new InputError(parent, `cannot write the snapshot: ${messageOf(err)}`);
  }
}
