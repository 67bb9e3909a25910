import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { InputError } from "../../errors.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import { loadCaRef } from "../ca-source.ts";

/** A line of a configuration, with where it came from (after includes). */
export interface ConfigLine {
  file: string;
  line: number;
  text: string;
}

/** `file:line` for messages. */
export const at = (l: { file: string; line: number }) => `${l.file}:${l.line}`;

/** Read a configuration file; a missing or unreadable one is bad input naming `where`. */
export function readConfigFile(path: string, where: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new InputError(where, `cannot read ${path}`);
  }
}

/** A path as the server resolves it: absolute, or relative to `base`. */
export function resolvePath(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/**
 * Expand an include pattern (`*`, `?` and `[...]` in the last component, as nginx, Apache and
 * lighttpd allow), sorted like glob(3). A pattern without wildcards must exist unless `optional`.
 */
export function expandInclude(pattern: string, where: string, optional = false): string[] {
  const name = basename(pattern);
  if (!/[*?[]/.test(name)) {
    if (existsSync(pattern)) return statSync(pattern).isDirectory() ? listDir(pattern) : [pattern];
    if (optional) return [];
    throw new InputError(where, `include ${pattern}: no such file`);
  }
  const dir = dirname(pattern);
  const re = new RegExp(
    `^${name
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")}$`,
  );
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    if (optional) return [];
    throw new InputError(where, `include ${pattern}: no such directory ${dir}`);
  }
  return names
    .filter((n) => re.test(n) && !n.startsWith("."))
    .sort()
    .map((n) => join(dir, n));
}

/** Apache includes a directory as every file in it. */
function listDir(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith("."))
    .sort()
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile());
}

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
