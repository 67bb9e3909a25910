import { spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  mkdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { javaVersionFromBanner } from "../model/package-version.ts";

/**
 * The version of the `java` on PATH (`java -version`, which prints to stderr), or undefined when
 * there is none or it does not answer within 10 s. Remembered per java binary (its real path, size,
 * mtime and inode, and JAVA_HOME) in the user's cache: starting a JVM costs 0.3–0.7 s, more than
 * all the rest of a `rootload check` process, which a pre-commit hook pays every time.
 */
export function hostJavaVersion(): string | undefined {
  const java = javaOnPath();
  if (!java) return undefined;
  const st = statSync(java);
  const key = [java, st.size, st.mtimeMs, st.ino, process.env.JAVA_HOME ?? ""].join("|");
  const file = path.join(
    process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache"),
    "rootload/host-java.json",
  );
  try {
    const cached = JSON.parse(readFileSync(file, "utf8")) as { key?: unknown; version?: unknown };
    if (cached.key === key && typeof cached.version === "string") return cached.version;
  } catch {
    // No cache yet, or one being written by another process: ask java.
  }
  const r = spawnSync(java, ["-version"], { encoding: "utf8", timeout: 10_000, maxBuffer: 64 * 1024 });
  if (r.error || r.status !== 0) return undefined;
  const version = javaVersionFromBanner(`${r.stderr}\n${r.stdout}`);
  if (version)
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify({ key, version })}\n`);
    } catch {
      // A read-only home: the next check asks java again.
    }
  return version;
}

/** `java` as a shell finds it, the first executable on PATH, through its symlinks (alternatives). */
function javaOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    try {
      const real = realpathSync(path.join(dir, "java"));
      accessSync(real, constants.X_OK);
      if (statSync(real).isFile()) return real;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}
