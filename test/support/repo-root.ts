import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests live in <repo>/test). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Real root data, read-only, beside the checkout. */
export const rootstores = path.resolve(repoRoot, "../shared/data/rootstores");
