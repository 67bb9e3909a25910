import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../errors.ts";

/** How the server treats an include that names no file: an error (nginx's plain name) or nothing. */
export interface IncludeOptions {
  /** A pattern or name that matches nothing is no error (Apache's IncludeOptional; any wildcard in nginx). */
  optional?: boolean;
  /** A directory stands for the regular files in it (Apache `Include dir/`, lighttpd, stunnel `include = dir`); else it is an error. */
  directories?: boolean;
}

/** Whether the last component of a path is a glob pattern (`*`, `?`, `[...]`). */
export const isPattern = (path: string): boolean => /[*?[]/.test(basename(path));

/**
 * The files an include names, in the order the server reads them. One set of rules for every
 * server rootload reads or renders, the ones glob(3) (nginx, lighttpd) and apr_fnmatch with
 * APR_FNM_PERIOD (Apache) share: `*`, `?` and `[...]` in the last component; a wildcard does not
 * match a leading dot; matches are regular files, sorted by name (byte order, as glob's default
 * collation in the C locale). A directory named without wildcards stands for every regular file
 * in it, dot-files included (Apache's and stunnel's directory reads skip only `.` and `..`).
 */
export function expandInclude(pattern: string, where: string, options: IncludeOptions = {}): string[] {
  if (!isPattern(pattern)) {
    const kind = fileKind(pattern);
    if (kind === "file") return [pattern];
    if (kind === "dir") {
      if (!options.directories) throw new InputError(where, `include ${pattern}: is a directory`);
      return sortedFiles(pattern, () => true);
    }
    if (options.optional) return [];
    throw new InputError(where, `include ${pattern}: no such file`);
  }
  const dir = dirname(pattern);
  if (fileKind(dir) !== "dir") {
    if (options.optional) return [];
    throw new InputError(where, `include ${pattern}: no such directory ${dir}`);
  }
  const re = globRegExp(basename(pattern));
  return sortedFiles(dir, (name) => re.test(name));
}

/** glob(3)'s last-component pattern as a RegExp: a leading dot only matches a literal dot. */
export function globRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) out += "\\[";
      else {
        const body = glob.slice(i + 1, end);
        const negated = body.startsWith("!") || body.startsWith("^");
        const set = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, "\\$&");
        out += `[${negated ? "^" : ""}${set}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(glob.startsWith(".") ? `^${out}$` : `^(?!\\.)${out}$`);
}

function fileKind(path: string): "file" | "dir" | "other" | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
  } catch {
    return undefined;
  }
}

function sortedFiles(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir)
    .filter(keep)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => join(dir, n))
    .filter((f) => fileKind(f) === "file");
}
