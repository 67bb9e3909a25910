import { RootEntry } from "./root-store.ts";

/**
 * Drop repeated certificates (same SHA-256), keeping the first. Returns the SHA-1s dropped, one per
 * repeat, so a bundle that lists a root twice shows up in `meta.duplicates`.
 */
export function dedupe(entries: RootEntry[]): { entries: RootEntry[]; duplicates: string[] } {
  const seen = new Set<string>();
  const out: RootEntry[] = [];
  const duplicates: string[] = [];
  for (const e of entries) {
    if (seen.has(e.sha256)) duplicates.push(e.sha1);
    else {
      seen.add(e.sha256);
      out.push(e);
    }
  }
  return { entries: out, duplicates };
}

export { RootEntry };
