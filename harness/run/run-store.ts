import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import type { CaseResult } from "../model/case-result.ts";

/**
 * The append-only case log of one run directory. Each case is one JSON line, written and
 * fsynced as the case ends, so a killed run loses at most the case in flight.
 */
export class CaseLog {
  readonly file: string;
  #fd: number;

  constructor(dir: string) {
    this.file = path.join(dir, "cases.jsonl");
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
  const file = path.join(dir, "cases.jsonl");
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
