#!/usr/bin/env node
// An installed package runs its compiled JavaScript (dist/) with no TypeScript loader; tsx is
// registered later, only to load a .ts scenario. In a checkout (harness/ sources beside bin/) the
// sources run through tsx instead, so a dist/ left by an earlier build is never used by mistake;
// ROOTLOAD_FROM=dist asks for dist/ there (the roots bench builds it first, then measures it).
import { existsSync } from "node:fs";

const sources = new URL("../harness/cli/index.ts", import.meta.url);
let main;
if (existsSync(sources) && process.env.ROOTLOAD_FROM !== "dist") {
  // Both module systems: a .ts scenario in a folder without "type": "module" is CommonJS to tsx.
  const [esm, cjs] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
  esm.register();
  cjs.register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import("../dist/cli/index.js"));
}
process.exitCode = await main(process.argv.slice(2));
