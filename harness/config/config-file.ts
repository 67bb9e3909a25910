import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { InputError } from "../errors.ts";

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
