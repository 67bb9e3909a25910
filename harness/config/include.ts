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
      return sortedFiles(pattern, () => true, where);
    }
    if (kind === "other")
      throw new InputError(where, `include ${pattern}: not a regular file (a FIFO, socket or device)`);
    if (options.optional) return [];
    throw new InputError(where, `include ${pattern}: no such file`);
  }
  const dir = dirname(pattern);
  if (fileKind(dir) !== "dir") {
    if (options.optional) return [];
    throw new InputError(where, `include ${pattern}: no such directory ${dir}`);
  }
  const glob = basename(pattern);
  return sortedFiles(dir, (name) => globMatch(glob, name), where);
}

/** One item of a glob: a literal character, `?`, `*`, or a `[...]` set. */
type GlobItem =
  | { kind: "char"; c: string }
  | { kind: "any" }
  | { kind: "star" }
  | { kind: "set"; negated: boolean; ranges: [string, string][] };

function compileGlob(glob: string): GlobItem[] {
  const items: GlobItem[] = [];
  const chars = [...glob];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "*") {
      if (items.at(-1)?.kind !== "star") items.push({ kind: "star" });
    } else if (c === "?") items.push({ kind: "any" });
    else if (c === "[") {
      // A `]` right after `[` or `[!` belongs to the set; no closing `]` makes `[` a literal.
      let j = i + 1;
      const negated = chars[j] === "!" || chars[j] === "^";
      if (negated) j++;
      const first = j;
      while (j < chars.length && (chars[j] !== "]" || j === first)) j++;
      if (j >= chars.length) {
        items.push({ kind: "char", c });
        continue;
      }
      const body = chars.slice(first, j);
      const ranges: [string, string][] = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === "-" && k + 2 < body.length) {
          ranges.push([body[k]!, body[k + 2]!]);
          k += 2;
        } else ranges.push([body[k]!, body[k]!]);
      }
      items.push({ kind: "set", negated, ranges });
      i = j;
    } else items.push({ kind: "char", c });
  }
  return items;
}

function itemMatches(item: GlobItem, c: string): boolean {
  if (item.kind === "char") return item.c === c;
  if (item.kind === "any") return c !== "/";
  if (item.kind === "set") {
    const inSet = item.ranges.some(([lo, hi]) => lo <= c && c <= hi);
    return c !== "/" && inSet !== item.negated;
  }
  return false;
}

/**
 * Whether `name` matches glob(3)'s last-component `glob`; a wildcard does not match a leading dot.
 * The classic two-cursor match (back up to the last `*` only): O(pattern × name) at worst, never
 * exponential as a backtracking RegExp is on `*a*a*a…b`. A range out of order matches nothing.
 */
export function globMatch(glob: string, name: string): boolean {
  if (name.startsWith(".") && !glob.startsWith(".")) return false;
  const p = compileGlob(glob);
  const s = [...name];
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const item = p[pi];
    if (item && item.kind !== "star" && itemMatches(item, s[si]!)) {
      pi++;
      si++;
    } else if (item?.kind === "star") {
      starP = pi++;
      starS = si;
    } else if (starP >= 0 && s[starS] !== "/") {
      pi = starP + 1;
      si = ++starS;
    } else return false;
  }
  while (p[pi]?.kind === "star") pi++;
  return pi === p.length;
}

function fileKind(path: string): "file" | "dir" | "other" | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
  } catch {
    return undefined;
  }
}

function sortedFiles(dir: string, keep: (name: string) => boolean, where: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new InputError(where, `cannot list ${dir} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return names
    .filter(keep)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => join(dir, n))
    .filter((f) => fileKind(f) === "file");
}
