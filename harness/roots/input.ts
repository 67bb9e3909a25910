import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { InputError, messageOf } from "../errors.ts";
import { CabError } from "./cab.ts";
import { DerError } from "./der.ts";

/**
 * The loader boundary: low-level parse errors (DerError, CabError, RangeError from dates, zlib,
 * node:crypto certificate parsing) become one-line InputErrors naming the file.
 */
export function parsing<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asInputError(where, err);
  }
}

/** An InputError for a parse failure; InputErrors pass through unchanged. */
export function asInputError(where: string, err: unknown): InputError {
  if (err instanceof InputError) return err;
  if (err instanceof DerError || err instanceof CabError || err instanceof RangeError)
    return new InputError(where, messageOf(err));
  // node:crypto and zlib report bad input with plain Errors carrying a code.
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === "string")
    return new InputError(where, messageOf(err));
  // Loaders throw plain Errors for format problems inside their own parse step.
  if (err instanceof Error && !(err instanceof TypeError)) return new InputError(where, err.message);
  if (err instanceof Error) throw err;
  return new InputError(where, String(err));
}

/**
 * Check that `path` is a regular file before it is opened: opening a FIFO for reading blocks until
 * a writer comes, which may be never; a device may never end.
 * @throws InputError naming the path otherwise
 */
export function checkRegularFile(path: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(path, "no such file");
    throw new InputError(path, `cannot read: ${code ?? messageOf(err)}`);
  }
  if (st.isDirectory()) throw new InputError(path, "is a directory, expected a file");
  if (!st.isFile()) throw new InputError(path, "is not a regular file (a FIFO, socket or device)");
}

/**
 * Read a whole file, with missing/unreadable/empty/non-regular files as InputErrors. The file is
 * opened non-blocking and checked on its descriptor: a FIFO opens at once (no writer needed) and
 * is refused before any read, and a CTL's 514 certificates cost one system call each fewer than a
 * stat before the open (roots bench). Every refusal says what checkRegularFile says.
 */
export function readInputFile(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    // The rare path: name it exactly as the stat-first check does (no such file, a socket...).
    checkRegularFile(path);
    throw new InputError(path, `cannot read: ${messageOf(err)}`);
  }
  let bytes: Buffer;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(path, "is a directory, expected a file");
    if (!st.isFile()) throw new InputError(path, "is not a regular file (a FIFO, socket or device)");
    // A size of 0 may still have content (files under /proc): read those to the end.
    bytes = st.size > 0 ? readOpen(fd, st.size) : readFileSync(fd);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new InputError(path, "is a directory, expected a file");
    throw new InputError(path, `cannot read: ${messageOf(err)}`);
  } finally {
    closeSync(fd);
  }
  if (bytes.length === 0) throw new InputError(path, "empty file");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `size` bytes from an open file, as readFileSync reads them (it would stat the descriptor again). */
function readOpen(fd: number, size: number): Buffer {
  // Its own memory, as readFileSync gives (a pooled slice would share its ArrayBuffer with others).
  const buf = Buffer.allocUnsafeSlow(size);
  let pos = 0;
  while (pos < size) {
    const n = readSync(fd, buf, pos, size - pos, null);
    if (n === 0) break;
    pos += n;
  }
  return buf.subarray(0, pos);
}

/** True when the path names an existing directory. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
