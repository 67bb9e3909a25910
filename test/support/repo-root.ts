import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests live in <repo>/test). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The root-program snapshots shipped in the repository (docs/data.md). */
export const rootstores = path.join(repoRoot, "data/rootstores");
/** A scenario's root source: the whole Microsoft CTL of 2025-06-16 (514 roots, disabled ones too). */
export const CTL_2025_SOURCE = {
  kind: "ctl",
  path: "microsoft:2025-06-16",
  purpose: "any",
  includeDisabled: true,
} as const;
