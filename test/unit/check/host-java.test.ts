import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hostJavaVersion } from "../../../harness/check/host-java.ts";

const java = spawnSync("java", ["-version"], { encoding: "utf8", timeout: 10_000 });
const cacheHome = process.env.XDG_CACHE_HOME;

describe("hostJavaVersion", () => {
  afterEach(() => {
    if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cacheHome;
  });

  it("asks java once per binary, then answers from the cache; a cache for another binary is not used", async (ctx) => {
    if (java.error || java.status !== 0)
      return ctx.skip("no java on PATH (containers/setup-host.sh installs it)");
    process.env.XDG_CACHE_HOME = await mkdtemp(path.join(tmpdir(), "rootload-java-cache-"));
    const file = path.join(process.env.XDG_CACHE_HOME, "rootload/host-java.json");
    const first = hostJavaVersion();
    expect(first).toMatch(/^\d+\.\d+\.\d+/);
    expect(java.stderr).toContain(first!);
    const cached = JSON.parse(readFileSync(file, "utf8")) as { key: string; version: string };
    expect(cached.version).toBe(first);
    // The cache answers for the same binary: a planted version comes back without running java.
    writeFileSync(file, JSON.stringify({ key: cached.key, version: "99.0.1" }));
    expect(hostJavaVersion()).toBe("99.0.1");
    // Another binary (or a changed one) is asked again.
    writeFileSync(file, JSON.stringify({ key: `${cached.key}-other`, version: "99.0.1" }));
    expect(hostJavaVersion()).toBe(first);
  });
});
