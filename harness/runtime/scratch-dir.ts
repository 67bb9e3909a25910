import { readdirSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { log } from "../log.ts";

/** `rootload-<owner pid>-<name>-XXXXXX`: the owner in the name lets a later run find a killed run's directories. */
const OWNED = /^rootload-(\d+)-[a-z0-9]+-/;

/** A fresh directory for a server's files, named after this process. */
export function makeScratchDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `rootload-${process.pid}-${name}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove server directories whose owning harness process is gone (a run killed with SIGKILL
 * cannot clean up after itself). A reused pid keeps its directories: cautious, never wrong.
 */
export function reapOrphanDirs(root = tmpdir()): number {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  let n = 0;
  for (const f of names) {
    const owner = Number(OWNED.exec(f)?.[1]);
    if (!owner || owner === process.pid || alive(owner)) continue;
    rmSync(join(root, f), { recursive: true, force: true });
    n++;
  }
  if (n) log.info({ dirs: n }, "removed server directories left by a killed run");
  return n;
}
