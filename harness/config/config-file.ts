import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
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

/**
 * Bounds on reading one configuration with its includes. Real configurations are far inside
 * them (Debian's nginx.conf with every snippet: ~40 KiB, under 30 files); a crafted one (an
 * include loop or fan-out, a multi-megabyte token) stops at once with a one-line error.
 */
export const CONFIG_LIMITS = {
  /** One file (bytes). */
  fileBytes: 4 * 1024 * 1024,
  /** Every file read, counted each time it is included (bytes). */
  totalBytes: 16 * 1024 * 1024,
  /** Files read, counted each time one is included. */
  files: 1024,
  /** Includes within includes. */
  depth: 16,
} as const;

/**
 * The files of one configuration, read through one budget: each file read once (cached by its
 * real path), only regular files (a FIFO or device is refused, never waited on), each under
 * CONFIG_LIMITS.fileBytes and all of them, repeats counted, under CONFIG_LIMITS.totalBytes and
 * CONFIG_LIMITS.files. Errors name the file and the directive that included it, never its content.
 */
export class ConfigFiles {
  readonly #cache = new Map<string, string>();
  #bytes = 0;
  #files = 0;

  /** The text of `path`; `where` (the including directive's file:line, or the file) names it in errors. */
  read(path: string, where: string, depth = 0): string {
    if (depth > CONFIG_LIMITS.depth)
      throw new InputError(where, `includes nest deeper than ${CONFIG_LIMITS.depth} levels`);
    if (++this.#files > CONFIG_LIMITS.files)
      throw new InputError(
        where,
        `more than ${CONFIG_LIMITS.files} files included (an include loop or fan-out?)`,
      );
    let real: string;
    try {
      real = realpathSync(path);
    } catch (err) {
      throw new InputError(where, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
    const text = this.#cache.get(real) ?? readRegular(path, real, where);
    this.#cache.set(real, text);
    this.#bytes += text.length;
    if (this.#bytes > CONFIG_LIMITS.totalBytes)
      throw new InputError(
        where,
        `the configuration and its includes exceed ${CONFIG_LIMITS.totalBytes} bytes (an include loop or fan-out?)`,
      );
    return text;
  }
}

/** A regular file's text, opened without blocking and checked on its descriptor before any read. */
function readRegular(path: string, real: string, where: string): string {
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new InputError(where, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(where, `${path} is not a regular file (a FIFO, socket or device)`);
    if (st.size > CONFIG_LIMITS.fileBytes)
      throw new InputError(
        where,
        `${path} is ${st.size} bytes, over the ${CONFIG_LIMITS.fileBytes}-byte limit for one config file`,
      );
    // One byte past the limit tells a file that grew since fstat.
    const buf = Buffer.alloc(Math.min(st.size + 1, CONFIG_LIMITS.fileBytes + 1));
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > CONFIG_LIMITS.fileBytes)
      throw new InputError(
        where,
        `${path} is over the ${CONFIG_LIMITS.fileBytes}-byte limit for one config file`,
      );
    return buf.subarray(0, n).toString("utf8");
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(where, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  } finally {
    closeSync(fd);
  }
}

/** Read one configuration file under CONFIG_LIMITS; a missing, unreadable or non-regular one is bad input naming `where`. */
export function readConfigFile(path: string, where: string): string {
  return new ConfigFiles().read(path, where);
}

/** A path as the server resolves it: absolute, or relative to `base`. */
export function resolvePath(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}
