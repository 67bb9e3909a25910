import { execFileSync } from "node:child_process";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { InputError, messageOf } from "../errors.ts";
import type { CaseResult } from "../model/case-result.ts";
import type { RunManifest, RunRecord } from "../model/run-manifest.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import { parseRun, type ReadRunOptions } from "./run-record.ts";

/**
 * A run directory: `manifest.json` (what ran, where, with what) and `cases.jsonl` (one case per
 * line, appended as each case ends), with the reports written beside them. This module is the
 * one place that knows the files' names and how they are created, resumed, appended and read.
 */
export const RUN_FILES = { manifest: "manifest.json", cases: "cases.jsonl" } as const;

/** A fresh run id: UTC timestamp and the scenario's name, e.g. `20260101T120000-quickstart`. */
export function newRunId(scenarioName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  return `${stamp}-${scenarioName.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`;
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

/** Create the run directory (and its parents) if it is not there yet. */
export async function createRunDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/** The manifest of a run directory to resume; InputError when it is not one. */
export function readManifestToResume(dir: string): RunManifest {
  const file = path.join(dir, RUN_FILES.manifest);
  if (!existsSync(file))
    throw new InputError(file, "not found: --resume needs a run directory made by `rootload run`");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RunManifest;
  } catch (err) {
    throw new InputError(file, `not valid JSON: ${messageOf(err)}`);
  }
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

/**
 * The append-only case log of one run directory. Each case is one JSON line, written and
 * fsynced as the case ends, so a killed run loses at most the case in flight.
 */
export class CaseLog {
  readonly file: string;
  #fd: number;

  constructor(dir: string) {
    this.file = path.join(dir, RUN_FILES.cases);
    this.#fd = openSync(this.file, "a");
  }

  append(c: CaseResult): void {
    writeSync(this.#fd, `${JSON.stringify(c)}\n`);
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/**
 * Ids of the cases already in a run's log. A torn last line (the run was killed mid-write) is
 * cut off so that appending continues on a line boundary.
 */
export function completedCaseIds(dir: string): Set<string> {
  const file = path.join(dir, RUN_FILES.cases);
  const ids = new Set<string>();
  if (!existsSync(file)) return ids;
  const text = readFileSync(file, "utf8");
  const lastNewline = text.lastIndexOf("\n");
  if (lastNewline + 1 < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, lastNewline + 1)));
  for (const line of text.slice(0, lastNewline + 1).split("\n")) {
    if (!line) continue;
    try {
      ids.add((JSON.parse(line) as CaseResult).id);
    } catch {
      // A corrupt line in the middle is left for `report` to flag; its case is simply run again.
    }
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
