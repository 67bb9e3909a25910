import { spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getContainerRuntimeClient } from "testcontainers";
import { afterEach, describe, expect, it } from "vitest";
import { ContainerRuntime, DEFAULT_IMAGE, LABEL } from "../../harness/runtime/container-runtime.ts";
import { ProcessRuntime, reapOrphanProcesses } from "../../harness/runtime/process-runtime.ts";
import { processIdentity, stateDir, stateSubdir } from "../../harness/state-dir.ts";

const CHILD = fileURLToPath(new URL("../fixtures/start-server-and-hang.ts", import.meta.url));

/** A process group that is not rootload's: a detached `sleep`, leader of its own group. */
function bystander(): { pid: number; alive: () => boolean; stop: () => void } {
  const child = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
  const pid = child.pid!;
  const alive = () => child.exitCode === null && child.signalCode === null;
  return { pid, alive, stop: () => alive() && process.kill(-pid, "SIGKILL") };
}

/** The pid of a process that has exited (an owner that is gone). */
function deadPid(): number {
  return spawnSync("sh", ["-c", "echo $$"]).stdout.toString().trim() as unknown as number;
}

const settle = () => new Promise((r) => setTimeout(r, 300));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("the orphan reaper signals only what this user's runs started", () => {
  it("a record planted in the shared temp folder kills nothing", async () => {
    const victim = bystander();
    cleanups.push(victim.stop);
    // The folder every earlier version read; another user may own it already (then a fresh base
    // with the same layout stands in for it).
    let shared = path.join(tmpdir(), "rootload-processes");
    try {
      mkdirSync(shared, { recursive: true });
      accessSync(shared, constants.W_OK);
    } catch {
      const base = mkdtempSync(path.join(tmpdir(), "rootload-shared-"));
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = base;
      cleanups.push(() => {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      });
      shared = path.join(base, "rootload-processes");
      mkdirSync(shared);
    }
    const planted = path.join(shared, `${deadPid()}.${victim.pid}`);
    writeFileSync(planted, "nginx\n");
    cleanups.push(() => spawnSync("rm", ["-f", planted]));
    reapOrphanProcesses();
    await settle();
    expect(victim.alive()).toBe(true);
  });

  it("a record in the state folder is honoured only when the leader's start time and argv match", async () => {
    const victim = bystander();
    cleanups.push(victim.stop);
    await settle(); // let sleep exec, so /proc shows its argv
    const id = processIdentity(victim.pid)!;
    expect(id.pgrp).toBe(victim.pid);
    const dir = stateSubdir("processes");
    const record = (over: object) => {
      const file = path.join(dir, `${deadPid()}.${victim.pid}`);
      writeFileSync(
        file,
        JSON.stringify({
          ownerPid: 999_999_999,
          ownerStart: "1",
          leader: victim.pid,
          leaderStart: id.start,
          argv: ["sleep", "60"],
          name: "test",
          ...over,
        }),
        { mode: 0o600 },
      );
      return file;
    };
    // A reused pid: same number, another start time.
    record({ leaderStart: String(Number(id.start) - 1) });
    reapOrphanProcesses();
    await settle();
    expect(victim.alive()).toBe(true);
    // Same process, but not the command that was recorded.
    record({ argv: ["timeout", "-k", "5", "3600", "nginx"] });
    reapOrphanProcesses();
    await settle();
    expect(victim.alive()).toBe(true);
    // The records were dropped, not kept for another try.
    expect(readdirSync(dir).filter((f) => f.endsWith(`.${victim.pid}`))).toEqual([]);
    // The control: the recorded process, its owner gone, is ended.
    record({});
    expect(reapOrphanProcesses()).toBeGreaterThanOrEqual(1);
    await settle();
    expect(victim.alive()).toBe(false);
  });

  it("a state folder that is not 0700 and this user's is refused, and nothing is reaped from it", () => {
    const base = mkdtempSync(path.join(tmpdir(), "rootload-base-"));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = base;
    try {
      const dir = path.join(base, `rootload-${process.getuid!()}`);
      mkdirSync(dir);
      chmodSync(dir, 0o777);
      expect(() => stateDir()).toThrow(/mode 777/);
      expect(reapOrphanProcesses()).toBe(0);
      chmodSync(dir, 0o700);
      expect(stateDir()).toBe(dir);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});

describe("the container reaper", () => {
  it("removes a container whose recorded owner pid now belongs to another process", async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const tag = `reuse-${process.pid}-${Date.now()}`;
    // Owner pid = this very process (alive), but with another start time: the pid was reused.
    const c = await docker.createContainer({
      Image: process.env.ROOTLOAD_IMAGE ?? DEFAULT_IMAGE,
      Cmd: ["sleep", "60"],
      Labels: {
        [LABEL]: "1",
        "rootload.run": tag,
        "rootload.owner-pid": `${process.pid}`,
        "rootload.owner-start": "1",
        "rootload.owner-host": hostname(),
        "rootload.expires": `${Math.ceil(Date.now() / 1000 + 3600)}`,
      },
      HostConfig: { NetworkMode: "none" },
    });
    cleanups.push(() => void c.remove({ force: true }).catch(() => {}));
    const byTag = { all: true, filters: { label: [`rootload.run=${tag}`] } };
    expect(await docker.listContainers(byTag)).toHaveLength(1);
    const rt = await ContainerRuntime.create();
    await rt.close();
    expect(await docker.listContainers(byTag)).toEqual([]);
  }, 60_000);
});

describe("a run killed with SIGKILL: its key files", () => {
  it("are 0600 while it runs and removed, folder and all, by the next run", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, "process"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise((r) => child.once("exit", r));
    for (let i = 0; i < 600 && !/ready/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/ready/);
    const tmp = stateSubdir("tmp");
    const mine = () => readdirSync(tmp).filter((d) => d.startsWith(`${child.pid}.`));
    expect(mine().length).toBeGreaterThan(0);
    let keys = 0;
    for (const d of mine())
      for (const f of readdirSync(path.join(tmp, d)).filter((f) => /\.key$|key\.pem$/.test(f))) {
        expect((statSync(path.join(tmp, d, f)).mode & 0o777).toString(8), `${d}/${f}`).toBe("600");
        keys++;
      }
    expect(keys).toBeGreaterThan(0);
    child.kill("SIGKILL");
    await exited;
    expect(mine().length).toBeGreaterThan(0);
    const next = new ProcessRuntime();
    await next.close();
    expect(mine()).toEqual([]);
    expect(existsSync(tmp)).toBe(true);
  }, 90_000);
});
