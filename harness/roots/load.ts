import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../errors.ts";
import { isSourceName, namedSpec } from "./catalog.ts";
import { checkRegularFile, isDirectory } from "./input.ts";
import { type BuiltinSpec, loadBuiltin, loadSystem, type SystemSpec } from "./load-builtin.ts";
import { type CertdataSpec, loadCertdata } from "./load-certdata.ts";
import { type CtlSpec, loadCtl } from "./load-ctl.ts";
import { type DirectorySpec, loadDirectory } from "./load-directory.ts";
import { loadPem, type PemSpec } from "./load-pem.ts";
import { RootStore } from "./root-store.ts";
import { type SyntheticSpec, syntheticStore } from "./synthetic.ts";

export type { BuiltinSpec, CertdataSpec, CtlSpec, DirectorySpec, PemSpec, SyntheticSpec, SystemSpec };

/** Where a root store comes from. Exclusive modes, keyed on `kind`. */
export type RootSpec =
  | CtlSpec
  | PemSpec
  | DirectorySpec
  | CertdataSpec
  | BuiltinSpec
  | SystemSpec
  | SyntheticSpec;

/**
 * Load a root store from any source. Synchronous: every source is a local file or generated.
 * @throws InputError naming the file (or field) and the problem, for any bad input
 */
export function loadRoots(spec: RootSpec): RootStore {
  if ("path" in spec && typeof spec.path === "string" && spec.kind !== "system" && isSourceName(spec.path))
    return loadNamed(spec);
  switch (spec.kind) {
    case "ctl":
      return loadCtl(spec);
    case "pem":
      return loadPem(spec);
    case "directory":
      return loadDirectory(spec);
    case "certdata":
      return loadCertdata(spec);
    case "builtin":
      return loadBuiltin();
    case "system":
      return loadSystem(spec);
    case "synthetic":
      return syntheticStore(spec);
    default:
      throw new InputError(
        "roots.kind",
        `"${(spec as { kind: string }).kind}" is not one of ctl, pem, directory, certdata, builtin, system, synthetic`,
      );
  }
}

/**
 * A spec whose path is a snapshot name (`microsoft:2025-06-16`): the named file, loaded by the
 * kind the name implies (a CTL still goes through the CAB, CTL and thumbprint checks), with the
 * spec's own options kept. The store's source is the name, the same on every machine.
 * @throws InputError for an unknown name, or a kind that is not the snapshot's
 */
function loadNamed(spec: CtlSpec | PemSpec | DirectorySpec | CertdataSpec): RootStore {
  const named = namedSpec(spec.path);
  if (named.kind !== spec.kind)
    throw new InputError(
      `roots.source ${spec.path}`,
      `is a ${named.kind} snapshot; use kind "${named.kind}", not "${spec.kind}"`,
    );
  const certs = spec.kind === "ctl" && spec.certs ? { certs: spec.certs } : {};
  const store = loadRoots({ ...spec, ...named, ...certs } as RootSpec);
  return new RootStore(spec.path, store.kind, store.entries, { ...store.meta, path: named.path });
}

/** Options that apply only to CTLs, carried through {@link specFromPath}. */
export type CtlOptions = Pick<CtlSpec, "certs" | "purpose" | "asOf" | "includeDisabled">;

/**
 * Guess a spec from a CLI argument: a snapshot name (`microsoft:2025-06-16`, `mozilla:latest`; see
 * catalog.ts), `builtin`, `system`, `synthetic:N[:SEED]`, a directory (a
 * snapshot directory holding authroot.stl or certdata.txt means that file), or a
 * file recognised by content (MSCF cabinet, DER SignedData → CTL; BEGINDATA/CKA_CLASS →
 * certdata; PEM or a DER certificate → pem), falling back to the extension.
 * @throws InputError when the path does not exist or the content is not recognised
 */
export function specFromPath(arg: string, ctl: CtlOptions = {}): RootSpec {
  if (isSourceName(arg)) {
    const named = namedSpec(arg);
    // The name stays the path: loadRoots resolves it again and reports the store under the name.
    return named.kind === "ctl" ? { ...named, ...ctl, path: arg } : { ...named, path: arg };
  }
  if (arg === "builtin") return { kind: "builtin" };
  if (arg === "system") return { kind: "system" };
  const syn = /^synthetic:(\d+)(?::(\d+))?$/.exec(arg);
  if (syn) return { kind: "synthetic", count: Number(syn[1]), ...(syn[2] ? { seed: Number(syn[2]) } : {}) };
  if (isDirectory(arg)) {
    // A snapshot directory (microsoft/<date>/, mozilla/<date>/) means the list in it.
    if (existsSync(join(arg, "authroot.stl")))
      return { kind: "ctl", path: join(arg, "authroot.stl"), ...ctl };
    if (existsSync(join(arg, "certdata.txt"))) return { kind: "certdata", path: join(arg, "certdata.txt") };
    return { kind: "directory", path: arg };
  }
  const head = readHead(arg);
  const text = Buffer.from(head).toString("latin1");
  const ctlSpec = (): CtlSpec => ({ kind: "ctl", path: arg, ...ctl });
  if (text.startsWith("MSCF")) return ctlSpec();
  if (/^CKA_CLASS|BEGINDATA|CKA_CLASS CK_OBJECT_CLASS/m.test(text) || basename(arg) === "certdata.txt")
    return { kind: "certdata", path: arg };
  if (text.includes("-----BEGIN")) return { kind: "pem", path: arg };
  // DER: a CTL starts with ContentInfo { OID 1.2.840.113549.1.7.2 }; a certificate with SEQUENCE { SEQUENCE.
  if (/\.(stl|cab)$/i.test(arg) || text.includes("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"))
    return ctlSpec();
  if (head[0] === 0x30) return { kind: "pem", path: arg };
  throw new InputError(
    arg,
    "not a recognised root store (CTL .stl/.cab, PEM, DER certificate, certdata.txt or directory)",
  );
}

/** The first 64 KiB of a regular, non-empty file (a FIFO or device is refused, never read). */
export function readHead(path: string): Uint8Array {
  checkRegularFile(path);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    throw new InputError(path, "no such file or directory");
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n === 0) throw new InputError(path, "empty file");
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
