import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { readCertificates } from "./cert-file.ts";
import { dedupe } from "./dedupe.ts";
import { parsing, readInputFile } from "./input.ts";
import { RootEntry, RootStore } from "./root-store.ts";

/** Load every certificate file in a directory (not recursive; PEM or DER, any extension). */
export interface DirectorySpec {
  kind: "directory";
  path: string;
}

/**
 * Files are read in code-point order of their names so the store order does not depend on the file
 * system. Dot-files are skipped (`.cvsignore` in Apple's tree); every other regular file must hold
 * certificates. Duplicates (same SHA-256, e.g. `/etc/ssl/certs` hash links) are dropped and listed.
 * @throws InputError naming the file that is not a certificate
 */
export function loadDirectory(spec: DirectorySpec): RootStore {
  let names: string[];
  try {
    names = readdirSync(spec.path);
  } catch {
    throw new InputError(spec.path, "not a readable directory");
  }
  const all: RootEntry[] = [];
  for (const name of names.filter((n) => !n.startsWith(".")).sort()) {
    const file = join(spec.path, name);
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile();
    } catch {
      throw new InputError(file, "cannot stat (broken symbolic link?)");
    }
    if (!isFile) continue;
    const bytes = readInputFile(file);
    parsing(file, () => {
      for (const der of readCertificates(bytes)) all.push(new RootEntry(der, { origin: name }));
    });
  }
  if (all.length === 0) throw new InputError(spec.path, "directory holds no certificates");
  const { entries, duplicates } = dedupe(all);
  return new RootStore(spec.path, "directory", entries, { duplicates });
}
