import { existsSync } from "node:fs";
import { InputError } from "../../errors.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import { loadCaRef } from "../ca-source.ts";

/** Certificates of a CA file or directory named by a directive; bad ones are bad input naming the directive. */
export function caFrom(path: string, where: string): readonly RootEntry[] {
  if (!existsSync(path)) throw new InputError(where, `${path}: no such file or directory`);
  try {
    return loadCaRef(path);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(where, err.message);
    throw err;
  }
}
