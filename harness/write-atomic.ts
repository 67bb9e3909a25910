import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EngineError, InputError, messageOf } from "./errors.ts";

/**
 * Write a file through a temporary sibling and a rename, so a reader (a CI step, a browser)
 * never sees half a report and a killed write leaves the old file in place.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    // A full disk is no bad input: rc 3, and the old file is still in place.
    if (code === "ENOSPC" || code === "EDQUOT") throw new EngineError(`${path}: cannot write: disk full`);
    throw new InputError(path, `cannot write: ${messageOf(err)}`);
  }
}
