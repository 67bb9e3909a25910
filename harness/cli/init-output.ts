import { existsSync, lstatSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { InputError, messageOf } from "../errors.ts";
import { writeFileAtomic } from "../write-atomic.ts";

/** `-o DIR` must be a folder or not exist yet: a file there is bad input, said before anything is written. */
export function checkOutDir(outDir: string): void {
  let st: ReturnType<typeof lstatSync> | undefined;
  try {
    st = lstatSync(outDir);
  } catch {
    return;
  }
  if (!st.isDirectory())
    throw new InputError(
      `rootload init -o ${outDir}`,
      "is not a folder (init writes its files into a folder)",
    );
}

/** `rel` resolved under `outDir`, or an InputError: no generated file may land outside it. */
export function insideOut(outDir: string, rel: string): string {
  const file = path.resolve(outDir, rel);
  const back = path.relative(outDir, file);
  if (back === "" || back.startsWith("..") || path.isAbsolute(back))
    throw new InputError(`rootload init -o ${outDir}`, `${JSON.stringify(rel)} would be written outside it`);
  return file;
}

/**
 * Write every file under `outDir`, or none: any that exists already stops it before a byte is
 * written, and a failure half-way removes what this call wrote and the folders it made.
 */
export async function writeAll(outDir: string, files: Record<string, string>): Promise<void> {
  checkOutDir(outDir);
  const targets = Object.entries(files).map(([rel, text]) => [insideOut(outDir, rel), text] as const);
  for (const [file] of targets)
    if (existsSync(file))
      throw new InputError(file, "exists already; init never overwrites (choose another -o DIR)");
  const made: string[] = [];
  const written: string[] = [];
  try {
    for (const [file, text] of targets) {
      const first = mkdirSync(path.dirname(file), { recursive: true });
      if (first) made.push(first);
      await writeFileAtomic(file, text);
      written.push(file);
    }
  } catch (err) {
    for (const f of written) rmSync(f, { force: true });
    for (const d of made.reverse()) rmSync(d, { recursive: true, force: true });
    if (err instanceof InputError) throw err;
    throw new InputError(`rootload init -o ${outDir}`, `cannot write: ${messageOf(err)}`);
  }
}
