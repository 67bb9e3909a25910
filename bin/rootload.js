#!/usr/bin/env node
// An installed package runs its compiled JavaScript (dist/) with no TypeScript loader; tsx is
// registered later, only to load a .ts scenario. In a checkout (harness/ sources beside bin/) the
// sources run through tsx instead, so a dist/ left by an earlier build is never used by mistake;
// ROOTLOAD_FROM=dist asks for dist/ there (the roots bench builds it first, then measures it).
import { existsSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

// The commands that read files and exit (check above all: every pre-commit hook pays for it) are
// over before V8's optimizing compiler earns back its background compilation: 64 × the default
// budget before a function is optimized cut `rootload check <2025 CTL> --json` from 1.25 to
// 0.96 s on 2 busy cores (same as --no-opt), while a 20,000-root bundle, where optimizing
// does pay, kept its time (3.97 vs 4.09 s; --no-opt: 3.73 vs 3.36 s). run and probe keep V8's default.
if (["check", "roots", "report", "compare", "merge", "init"].includes(process.argv[2] ?? ""))
  setFlagsFromString("--interrupt-budget=4194304");

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
