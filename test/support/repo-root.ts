import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests live in <repo>/test). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Real root data, read-only, beside the checkout. */
export const rootstores = path.resolve(repoRoot, "../shared/data/rootstores");
/** A scenario's root source: the whole Microsoft CTL of 2025-06-16 (514 roots, disabled ones too). */
export const CTL_2025_SOURCE = {
  kind: "ctl",
  path: path.join(rootstores, "microsoft/2025-06-16/authrootstl.cab"),
  purpose: "any",
  includeDisabled: true,
} as const;
