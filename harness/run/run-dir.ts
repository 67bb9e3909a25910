import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { mkdir, readFile, rmdir } from "node:fs/promises";
import path from "node:path";
import { EngineError, InputError, messageOf } from "../errors.ts";
import type { CaseResult } from "../model/case-result.ts";
import type { RunManifest, RunRecord } from "../model/run-manifest.ts";
import { ownerAlive, selfOwner } from "../state-dir.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import { parseRun, type ReadRunOptions } from "./run-record.ts";

/**
 * A run directory: `manifest.json` (what ran, where, with what) and `cases.jsonl` (one case per
 * line, appended as each case ends), with the reports written beside them. This module is the
 * one place that knows the files' names and how they are created, resumed, appended and read.
 */
export const RUN_FILES = { manifest: "manifest.json", cases: "cases.jsonl" } as const;

/** Longest scenario-name part of a run id: the id is a folder name, and names have a limit (255 B). */
const RUN_ID_NAME_CHARS = 64;

/**
 * A fresh run id: UTC timestamp, the scenario's name and 4 random bytes, e.g.
 * `20260101T120000-quickstart-3f9a0c1d`. Two runs started in the same second (CI shards) get
 * different ids; the folder is still created exclusively (createRunDir).
 */
export function newRunId(scenarioName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  const slug = scenarioName
    .replace(/[^a-z0-9]+/gi, "-")
    .toLowerCase()
    .slice(0, RUN_ID_NAME_CHARS)
    .replace(/^-+|-+$/g, "");
  return `${stamp}-${slug || "run"}-${randomBytes(4).toString("hex")}`;
}

/** `{ git: "<short rev>" }` inside a checkout, `{}` outside one. */
export function gitRevision(): { git?: string } {
  try {
    const git = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    })
      .toString()
      .trim();
    return git ? { git } : {};
  } catch {
    return {};
  }
}

/**
 * Create a new run directory under `outRoot`, exclusively: an existing folder is never adopted
 * (its cases would count as this run's). Parents are created as needed.
 * @throws InputError when `outRoot` cannot hold a run (a file, unwritable, a name too long)
 */
export async function createRunDir(outRoot: string, runId: string): Promise<string> {
  const dir = path.resolve(outRoot, runId);
  try {
    await mkdir(path.resolve(outRoot), { recursive: true });
    await mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && existsSync(dir))
      throw new InputError(
        dir,
        "already exists; a new run never reuses a folder (use --resume to continue one)",
      );
    throw new InputError(`--out ${outRoot}`, `cannot create the run folder: ${code ?? messageOf(err)}`);
  }
  return dir;
}

/** Remove a run folder that was created but never written to (a run that failed before its first file). */
export async function removeEmptyRunDir(dir: string): Promise<void> {
  await rmdir(dir).catch(() => {});
}

/**
 * The manifest of a run directory to resume, its shape checked: InputError (one line) when it
 * is not one, so a hand-edited or foreign `manifest.json` never reaches the runner.
 */
export function readManifestToResume(dir: string): RunManifest {
  const file = path.join(dir, RUN_FILES.manifest);
  if (!existsSync(file))
    throw new InputError(file, "not found: --resume needs a run directory made by `rootload run`");
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(file, `not valid JSON: ${messageOf(err)}`);
  }
  const m = value as Partial<RunManifest> | null;
  const problem =
    typeof m !== "object" || m === null || Array.isArray(m)
      ? "is not a JSON object"
      : typeof m.runId !== "string"
        ? "has no runId"
        : typeof m.scenario?.file !== "string" || typeof m.scenario?.hash !== "string"
          ? "has no scenario.file and scenario.hash"
          : typeof m.plannedCases !== "number"
            ? "has no plannedCases"
            : undefined;
  if (problem) throw new InputError(file, `${problem}: not a manifest written by \`rootload run\``);
  return m as RunManifest;
}

/** The hash `loadScenario` records, computed from the file's bytes without loading it. */
export function scenarioFileHash(file: string): string {
  try {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
  } catch (err) {
    throw new InputError(
      file,
      `cannot read scenario (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`,
    );
  }
}

/**
 * Before a run is resumed: the scenario must be named on the command line (a run directory never
 * chooses what code runs) and be byte for byte the one the run started with. Checked on the
 * file's bytes, before the file is imported.
 */
export function checkScenarioToResume(
  dir: string,
  manifest: RunManifest,
  scenarioFile: string | undefined,
): void {
  const recorded = manifest.scenario.file;
  if (!scenarioFile)
    throw new InputError(
      "rootload run --resume",
      `name the scenario too: rootload run <scenario> --resume ${dir} (this run recorded ${recorded})`,
    );
  if (scenarioFileHash(scenarioFile) !== manifest.scenario.hash)
    throw new InputError(
      scenarioFile,
      `is not the scenario run ${manifest.runId} started with (${recorded}, hash differs); start a new run instead`,
    );
}

/** Replace the manifest atomically (written at the start of a run and again at its end). */
export async function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  await writeFileAtomic(path.join(dir, RUN_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Write a whole run at once (manifest and every case), as `rootload merge` does. */
export async function writeRun(dir: string, run: RunRecord): Promise<void> {
  await writeFileAtomic(
    path.join(dir, RUN_FILES.cases),
    run.cases.map((c) => `${JSON.stringify(c)}\n`).join(""),
  );
  await writeManifest(dir, run.manifest);
}

const uid = () => process.getuid?.() ?? 0;

/**
 * Open a file of a run folder without following a link (O_NOFOLLOW), and check on the descriptor
 * that it is a regular file owned by this user: a `cases.jsonl` planted as a link to another file
 * is never appended to or cut. undefined when it does not exist and `flags` do not create it.
 */
function openRunFile(file: string, flags: number): number | undefined {
  let fd: number;
  try {
    fd = openSync(file, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP")
      throw new InputError(file, "is a symbolic link; a run folder's files are never followed");
    throw new InputError(file, `cannot open: ${code ?? messageOf(err)}`);
  }
  const st = fstatSync(fd);
  const problem = !st.isFile()
    ? "is not a regular file"
    : st.uid !== uid()
      ? `is owned by uid ${st.uid}, not ${uid()}`
      : undefined;
  if (problem) {
    closeSync(fd);
    throw new InputError(file, `${problem}; a run folder's files must be this user's own`);
  }
  return fd;
}

/** Name of the lock file a run holds in its folder while it runs. */
const LOCK_FILE = ".rootload.lock";

/**
 * Hold a run folder for this process: a lock file created exclusively, holding this process's
 * pid and start time. A second `run --resume` of the same folder while the first runs is refused
 * (one line, rc 2); a lock left by a killed run (its owner gone) is taken over.
 * @returns the release function (idempotent)
 */
export function lockRunDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  const me = selfOwner();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(
        file,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      writeSync(fd, `${me.pid} ${me.start}\n`);
      closeSync(fd);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST")
        throw new InputError(
          dir,
          `cannot lock the run folder: ${(err as NodeJS.ErrnoException).code ?? messageOf(err)}`,
        );
    }
    const fd = openRunFile(file, constants.O_RDONLY);
    let owner = "";
    if (fd !== undefined) {
      const buf = Buffer.alloc(64);
      owner = buf.subarray(0, readSync(fd, buf, 0, 64, 0)).toString("latin1");
      closeSync(fd);
    }
    const [pid, start] = owner.trim().split(" ");
    if (ownerAlive(Number(pid), start))
      throw new InputError(
        dir,
        `is in use by rootload pid ${Number(pid)} (a run or --resume of this folder); wait for it to end`,
      );
    try {
      unlinkSync(file);
    } catch {
      // taken by another process meanwhile: the next attempt tells
    }
  }
  throw new InputError(dir, "is being locked by another rootload run; try again");
}

/**
 * The append-only case log of one run directory. Each case is one JSON line, written and
 * fsynced as the case ends, so a killed run loses at most the case in flight.
 */
export class CaseLog {
  readonly file: string;
  readonly #dir: string;
  #fd: number;
  #size: number;
  #kept: number;
  #failed: Error | undefined;
  #closed = false;

  /** `kept`: the cases already in the log (a resumed run's), for the disk-full message. */
  constructor(dir: string, kept = 0) {
    this.#dir = dir;
    this.file = path.join(dir, RUN_FILES.cases);
    this.#fd = openRunFile(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT)!;
    this.#size = fstatSync(this.#fd).size;
    this.#kept = kept;
  }

  /**
   * Append one case as one whole line, fsynced. A short or failed write is cut back to the last
   * whole line, so the log never holds a torn line; a full disk is an EngineError (rc 3) saying
   * how many cases are kept, and every later append fails the same way without writing.
   */
  append(c: CaseResult): void {
    if (this.#closed) throw new Error(`${this.file}: append after close`);
    if (this.#failed) throw this.#failed;
    const line = Buffer.from(`${JSON.stringify(c)}\n`);
    try {
      let off = 0;
      while (off < line.length) off += writeSync(this.#fd, line, off, line.length - off);
      fsyncSync(this.#fd);
    } catch (err) {
      try {
        ftruncateSync(this.#fd, this.#size);
      } catch {
        // the cut is best effort; the reader skips a torn last line anyway
      }
      const code = (err as NodeJS.ErrnoException).code;
      this.#failed =
        code === "ENOSPC" || code === "EDQUOT"
          ? new EngineError(
              `${this.#dir}: disk full, ${this.#kept} cases kept, --resume will finish (rootload run <scenario> --resume ${this.#dir})`,
            )
          : new EngineError(`${this.file}: cannot append a case: ${code ?? messageOf(err)}`);
      throw this.#failed;
    }
    this.#size += line.length;
    this.#kept++;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

/**
 * Ids of the cases already in a run's log. A torn last line (the run was killed mid-write) is
 * cut off so that appending continues on a line boundary. With `planned`, a case that is not in
 * the plan (another scenario's, or another shard's) is an InputError naming its line: it would
 * otherwise be reported as this run's own.
 */
export function completedCaseIds(
  dir: string,
  planned?: ReadonlySet<string> | ((id: string) => boolean),
): Set<string> {
  return new Set(completedCases(dir, planned).keys());
}

/**
 * The cases already in a run's log by id (completedCaseIds, with the records): a resumed bisected
 * series replays its search from them. `planned` as in completedCaseIds.
 */
export function completedCases(
  dir: string,
  planned?: ReadonlySet<string> | ((id: string) => boolean),
): Map<string, CaseResult> {
  const inPlan =
    typeof planned === "function" ? planned : planned ? (id: string) => planned.has(id) : undefined;
  const file = path.join(dir, RUN_FILES.cases);
  const ids = new Map<string, CaseResult>();
  const fd = openRunFile(file, constants.O_RDWR);
  if (fd === undefined) return ids;
  let text: string;
  try {
    text = readFileSync(fd, "utf8");
    const lastNewline = text.lastIndexOf("\n");
    if (lastNewline + 1 < text.length) ftruncateSync(fd, Buffer.byteLength(text.slice(0, lastNewline + 1)));
  } finally {
    closeSync(fd);
  }
  const lastNewline = text.lastIndexOf("\n");
  const lines = text.slice(0, lastNewline + 1).split("\n");
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    let record: CaseResult;
    try {
      record = JSON.parse(line) as CaseResult;
    } catch {
      // A corrupt line in the middle is left for `report` to flag; its case is simply run again.
      continue;
    }
    const id: unknown = record?.id;
    if (inPlan && (typeof id !== "string" || !inPlan(id)))
      throw new InputError(
        `${file}:${i + 1}`,
        `case ${JSON.stringify(id)} is not in this run's plan (another scenario's or shard's case); nothing was run`,
      );
    if (typeof id === "string") ids.set(id, record);
  }
  return ids;
}

/**
 * Read a run directory (`manifest.json` + `cases.jsonl`). A torn last line — the runner was
 * killed mid-write — is skipped with a warning; any other bad line or field is an InputError
 * naming the file and line.
 */
export async function readRun(dir: string, options: ReadRunOptions = {}): Promise<RunRecord> {
  const manifestPath = path.join(dir, RUN_FILES.manifest);
  const casesPath = path.join(dir, RUN_FILES.cases);
  const manifestText = await readText(manifestPath);
  const casesText = await readText(casesPath);
  return parseRun({ manifestPath, manifestText, casesPath, casesText }, options);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, code === "ENOENT" ? "not found (is this a run directory?)" : messageOf(err));
  }
}
