import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.ts";
import { SOURCE_NAME as NAME } from "../model/source-name.ts";
import type { CertdataSpec } from "./load-certdata.ts";
import type { CtlSpec } from "./load-ctl.ts";
import type { PemSpec } from "./load-pem.ts";

/**
 * Root-program snapshots by name (`microsoft:2025-06-16`, `mozilla:latest`...): the ones shipped in
 * the package's `data/rootstores/` and the ones `rootload roots fetch` wrote into the user's data
 * folder. Layout of both (docs/data.md): `<program>/<YYYY-MM-DD>/<file>`, and for Microsoft one
 * pool of certificates, `microsoft/certs/<SHA-1>.crt` (DER), shared by every CTL of that folder.
 */

/** The root programs a name may start with, and the file that is a snapshot of each. */
export const PROGRAMS = {
  microsoft: { file: "authrootstl.cab", kind: "ctl", what: "Windows automatic root update CTL" },
  mozilla: { file: "certdata.txt", kind: "certdata", what: "NSS certdata.txt" },
  curl: { file: "cacert.pem", kind: "pem", what: "curl's CA bundle (from Mozilla's list)" },
  apple: { file: "roots.pem", kind: "pem", what: "Apple security_certificates roots" },
} as const;

export type Program = keyof typeof PROGRAMS;

/** One dated snapshot of one program, in one data folder. */
export interface Snapshot {
  program: Program;
  /** YYYY-MM-DD: the CTL's ThisUpdate, the NSS release, the bundle's own date... */
  date: string;
  /** The snapshot's file (the CTL cabinet, certdata.txt, the PEM bundle). */
  file: string;
  /** The data folder it is in (holds `<program>/`). */
  root: string;
  /** True for the data shipped with rootload, false for the user's (fetched) data. */
  shipped: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True when the argument is a snapshot name (`program:date` or `program:latest`), not a path. */
export function isSourceName(arg: string): boolean {
  const m = NAME.exec(arg);
  return m !== null && (m[1]! in PROGRAMS || !existsSync(arg));
}

/**
 * The data shipped with rootload: `data/rootstores` in the package, found from this module's
 * place (a few folders up, whether it runs from the sources or from compiled output).
 */
export function shippedDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "data", "rootstores");
    if (existsSync(join(candidate, "SOURCES.md"))) return candidate;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../data/rootstores");
}

/**
 * The user's data folder, where `roots fetch` writes by default: `$ROOTLOAD_DATA`, else
 * `$XDG_DATA_HOME/rootload/rootstores`, else `~/.local/share/rootload/rootstores`.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROOTLOAD_DATA) return resolve(env.ROOTLOAD_DATA);
  const base = env.XDG_DATA_HOME ? resolve(env.XDG_DATA_HOME) : join(homedir(), ".local", "share");
  return join(base, "rootload", "rootstores");
}

/** Dated snapshot folders of one program in one data folder that hold the program's file. */
function snapshotsIn(root: string, program: Program, shipped: boolean): Snapshot[] {
  let names: string[];
  try {
    names = readdirSync(join(root, program));
  } catch {
    return [];
  }
  return names
    .filter((d) => DATE.test(d) && existsSync(join(root, program, d, PROGRAMS[program].file)))
    .map((date) => ({
      program,
      date,
      file: join(root, program, date, PROGRAMS[program].file),
      root,
      shipped,
    }));
}

/**
 * Every snapshot available, oldest first per program; a date in both folders is the shipped one
 * (the user's copy of it would be the same file, fetched again).
 */
export function listSnapshots(program?: Program): Snapshot[] {
  const shipped = shippedDataDir();
  const user = userDataDir();
  const out: Snapshot[] = [];
  for (const p of program ? [program] : (Object.keys(PROGRAMS) as Program[])) {
    const byDate = new Map<string, Snapshot>();
    for (const s of resolve(user) === resolve(shipped) ? [] : snapshotsIn(user, p, false))
      byDate.set(s.date, s);
    for (const s of snapshotsIn(shipped, p, true)) byDate.set(s.date, s);
    out.push(...[...byDate.values()].sort((a, b) => a.date.localeCompare(b.date)));
  }
  return out;
}

/**
 * The snapshot a name means. `latest` is the newest date in either folder.
 * @throws InputError (one line, listing what exists) for an unknown program or date
 */
export function findSnapshot(name: string): Snapshot {
  const m = NAME.exec(name);
  if (!m) throw new InputError(name, "not a snapshot name (program:YYYY-MM-DD or program:latest)");
  const program = m[1]!;
  if (!(program in PROGRAMS))
    throw new InputError(
      name,
      `unknown root program "${program}"; one of ${Object.keys(PROGRAMS).join(", ")}`,
    );
  const all = listSnapshots(program as Program);
  const found = m[2] === "latest" ? all.at(-1) : all.find((s) => s.date === m[2]);
  if (found) return found;
  const have = all.length ? all.map((s) => s.date).join(", ") : "none";
  throw new InputError(
    name,
    `no such snapshot; ${program} has ${have} (rootload roots list; rootload roots fetch adds newer ones)`,
  );
}

/** The loader spec for a named snapshot: a CTL with the folder's certificate pool, certdata.txt, or PEM. */
export function namedSpec(name: string): CtlSpec | CertdataSpec | PemSpec {
  const s = findSnapshot(name);
  switch (PROGRAMS[s.program].kind) {
    case "ctl":
      return { kind: "ctl", path: s.file, certs: certPool(s.root) };
    case "certdata":
      return { kind: "certdata", path: s.file };
    default:
      return { kind: "pem", path: s.file };
  }
}

/** The Microsoft certificate pool of a data folder: every CTL's roots, once, as `<SHA-1>.crt`. */
export function certPool(root: string): string {
  return join(root, "microsoft", "certs");
}
