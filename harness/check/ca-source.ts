import { isDirectory } from "../roots/input.ts";
import { loadRoots, specFromPath } from "../roots/load.ts";
import type { RootEntry } from "../roots/root-store.ts";

/**
 * Certificates from any root source the roots/ loaders read: PEM bundle or DER certificate,
 * directory, certdata.txt, or a Microsoft CTL (.stl/.cab). A CTL is taken whole, disabled entries
 * included: Windows keeps them in the Root store (disabled by a property), and Schannel builds its
 * list from the store.
 * @throws InputError naming the path when it is missing or not a root source
 */
export function loadCaSource(path: string): readonly RootEntry[] {
  const spec = specFromPath(path, { includeDisabled: true });
  return loadRoots(spec).entries;
}

/** A CA file or directory named in a server configuration (`ssl.ca-file`, `SSLCACertificatePath`). */
export function loadCaRef(path: string): readonly RootEntry[] {
  return isDirectory(path) ? loadRoots({ kind: "directory", path }).entries : loadCaSource(path);
}
