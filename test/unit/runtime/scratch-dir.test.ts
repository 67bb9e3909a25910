import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeScratchDir, reapOrphanDirs } from "../../../harness/runtime/scratch-dir.ts";

describe("server directories", () => {
  it("are named after their owner, and a later run removes those of a dead owner only", async () => {
    const mine = await makeScratchDir("nginx");
    expect(basename(mine)).toMatch(new RegExp(`^rootload-${process.pid}-nginx-`));
    const root = mkdtempSync(join(tmpdir(), "rootload-scratch-test-"));
    // A pid that certainly ended: a child that has exited.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const orphan = join(root, `rootload-${dead}-openssl-abc123`);
    const live = join(root, `rootload-${process.pid}-openssl-def456`);
    const other = join(root, "rootload-kill-xyz");
    for (const d of [orphan, live, other]) mkdirSync(join(d, "sub"), { recursive: true });
    expect(reapOrphanDirs(root)).toBe(1);
    expect([orphan, live, other].map(existsSync)).toEqual([false, true, true]);
  });
});
