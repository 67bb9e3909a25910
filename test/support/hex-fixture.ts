import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./repo-root.ts";

/** A hex fixture from test/fixtures/probe (whitespace ignored). */
export function hexFixture(name: string): Uint8Array {
  const text = readFileSync(path.join(repoRoot, "test/fixtures/probe", `${name}.hex`), "utf8");
  return new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "hex"));
}
