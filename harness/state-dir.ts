import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineError } from "./errors.ts";
import { log } from "./log.ts";

/**
 * Where rootload keeps what must outlive a killed run and what servers read: one folder per user,
 * `<base>/rootload-<uid>`, created 0700 and refused unless it is a real directory owned by this
 * user with no group or other access. Orphan records and temp folders are only ever read from
 * here, so another local user cannot plant a record that makes a run signal their choice of
 * process, and a shared temp folder's name cannot reach a config or a shell string.
 */

/**
 * Characters allowed in the base folder's path. Every path rootload writes into a server config
 * or passes to a shell starts with it, so quoting in any config syntax cannot be defeated by it.
 */
export const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;

/** `$TMPDIR` when its path uses only SAFE_PATH characters, else `/tmp`. */
export function baseTempDir(): string {
  const t = tmpdir();
  return SAFE_PATH.test(t) ? t : "/tmp";
}

function uid(): number {
  return process.getuid?.() ?? 0;
}

/**
 * This user's state folder, created on first use.
 * @throws EngineError when it exists but is not a 0700 directory owned by this user
 */
export function stateDir(): string {
  return ownedDir(join(baseTempDir(), `rootload-${uid()}`));
}

/** A subfolder of the state folder (0700), created on first use. */
export function stateSubdir(name: string): string {
  return ownedDir(join(stateDir(), name));
}

/**
 * Where the folders of servers that start as root and switch to their own user (PostgreSQL) go:
 * `<base>/rootload-<uid>-searchable`, beside the state folder, 0711 (others may enter by a name
 * they know, never list, read or write). The state folder itself stays 0700 for everything else,
 * so a run of this version never changes what an older one checks.
 */
export function searchableDir(): string {
  return ownedDir(searchablePath(), SEARCH_ONLY);
}

const searchablePath = () => join(baseTempDir(), `rootload-${uid()}-searchable`);

/** Group and other may search (x), nothing more. */
const SEARCH_ONLY = 0o711;

/** `dir` created with `mode` (0700) if missing, then checked to be a directory owned by this user, no more open than `mode`. */
function ownedDir(dir: string, mode = 0o700): string {
  try {
    mkdirSync(dir, { mode });
    // mkdir's mode passes through the umask.
    chmodSync(dir, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST")
      throw new EngineError(`cannot create state folder ${dir}: ${(err as Error).message}`);
  }
  checkOwned(dir, true, mode);
  return dir;
}

function checkOwned(path: string, directory: boolean, mode = 0o700): void {
  const st = lstatSync(path);
  const problem = st.isSymbolicLink()
    ? "is a symbolic link"
    : directory && !st.isDirectory()
      ? "is not a directory"
      : st.uid !== uid()
        ? `is owned by uid ${st.uid}`
        : directory && (st.mode & 0o777 & ~mode) !== 0
          ? `has mode ${(st.mode & 0o777).toString(8)}`
          : undefined;
  if (problem)
    throw new EngineError(
      `state folder ${path} ${problem}; it must be a directory owned by uid ${uid()} with mode ${mode.toString(8)} (remove it)`,
    );
}

/**
 * Let a server that starts as root and switches to its own user (PostgreSQL) reach its state
 * folder: each of `dirs`, checked to be ours, gets search-only rights for others (0711). They can
 * enter by a name they know; listing, reading and writing stay this user's, and every file below
 * keeps its own 0600.
 */
export function openForSearch(dirs: readonly string[]): void {
  for (const d of dirs) {
    checkOwned(d, true, SEARCH_ONLY);
    chmodSync(d, SEARCH_ONLY);
  }
}

/** True when `path` is a regular file (not a link) owned by this user. */
export function ownedFile(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() && st.uid === uid();
  } catch {
    return false;
  }
}

/** What identifies a process beyond its pid: start time (clock ticks after boot) and argv. */
export interface ProcessIdentity {
  /** Field 22 of /proc/PID/stat. */
  start: string;
  /** Field 5 of /proc/PID/stat. */
  pgrp: number;
  argv: string[];
}

/** The identity of a live process, or undefined when it does not exist (or /proc is missing). */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (field 2) is in parentheses and may hold spaces and ')': read after the last.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "latin1");
    return {
      start: fields[19]!,
      pgrp: Number(fields[2]),
      argv: cmdline.split("\0").slice(0, -1),
    };
  } catch {
    return undefined;
  }
}

/** This process as an owner: pid and start time, so a later run can tell it from a reused pid. */
export function selfOwner(): { pid: number; start: string } {
  return { pid: process.pid, start: processIdentity(process.pid)?.start ?? "" };
}

/** True when process `pid` exists and is the one that started at `start` (not a reused pid). */
export function ownerAlive(pid: number, start: string | undefined): boolean {
  const id = processIdentity(pid);
  return id !== undefined && id.start === start;
}

/**
 * A fresh private folder for one server's or client's files (keys among them): 0700 under the
 * state folder, named after its owner so that the next run removes it if this one is killed.
 * `searchable`: under searchableDir() instead, for a server whose own user must enter it.
 */
export function makeOwnedTempDir(kind: string, searchable = false): string {
  const { pid, start } = selfOwner();
  const safeKind = kind.replace(/[^A-Za-z0-9-]/g, "_");
  const parent = searchable ? searchableDir() : stateSubdir("tmp");
  return mkdtempSync(join(parent, `${pid}.${start}.${safeKind}.${randomBytes(2).toString("hex")}-`));
}

/** Remove temp folders (server configs, keys) whose owning harness process is gone. */
export function reapOrphanTempDirs(): number {
  let n = 0;
  // The searchable folder is made only by a run that needed it.
  const parents = [() => stateSubdir("tmp"), ...(existsSync(searchablePath()) ? [searchableDir] : [])];
  for (const parent of parents) {
    let dir: string;
    try {
      dir = parent();
    } catch (err) {
      log.warn({ err }, "not reaping temp folders");
      continue;
    }
    for (const name of readdirSync(dir)) {
      const [pid, start] = name.split(".");
      if (ownerAlive(Number(pid), start)) continue;
      rmSync(join(dir, name), { recursive: true, force: true });
      n++;
    }
  }
  if (n) log.info({ folders: n }, "removed temp folders left by a killed run");
  return n;
}
