import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../errors.ts";

/**
 * Write `files` (relative name → text) as the folder `outDir`, all or nothing: into a temporary
 * folder beside it, renamed into place at the end. An existing non-empty `outDir` is bad input
 * (a fix never overwrites).
 */
export function writeTreeAtomically(outDir: string, files: Map<string, string>): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0)
    throw new InputError(
      "rootload check --out",
      `${outDir} exists and is not empty (a fix is written to a new folder)`,
    );
  const parent = path.dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(path.join(parent, `.${path.basename(outDir)}.tmp-`));
  try {
    for (const [rel, text] of files) {
      const f = path.join(tmp, rel);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, text);
    }
    if (existsSync(outDir)) rmSync(outDir, { recursive: true });
    renameSync(tmp, outDir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** `diff -u` of two files, labelled; empty when they are equal. */
export function unifiedDiff(before: string, after: string): string {
  try {
    execFileSync("diff", ["-u", "--label", before, "--label", after, before, after], {
      encoding: "utf8",
      timeout: 10_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return "";
  } catch (err) {
    const e = err as { status?: number; stdout?: string };
    if (e.status === 1 && typeof e.stdout === "string") return e.stdout;
    throw err;
  }
}
