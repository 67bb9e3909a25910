#!/usr/bin/env node
// Runs the TypeScript CLI directly: scenario files are TypeScript too, so tsx is needed at run time anyway.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../harness/cli/index.ts");
process.exitCode = await main(process.argv.slice(2));
