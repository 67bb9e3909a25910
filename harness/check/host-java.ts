import { spawnSync } from "node:child_process";
import { javaVersionFromBanner } from "../model/package-version.ts";

/**
 * The version of the `java` on PATH (`java -version`, which prints to stderr), or undefined when
 * there is none or it does not answer within 10 s.
 */
export function hostJavaVersion(): string | undefined {
  const r = spawnSync("java", ["-version"], { encoding: "utf8", timeout: 10_000, maxBuffer: 64 * 1024 });
  if (r.error || r.status !== 0) return undefined;
  return javaVersionFromBanner(`${r.stderr}\n${r.stdout}`);
}
