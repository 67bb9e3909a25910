import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it } from "vitest";
import { ContainerRuntime } from "../../../harness/runtime/container-runtime.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { listening } from "../../support/listening.ts";

const CHILD = fileURLToPath(new URL("../../fixtures/start-server-and-hang.ts", import.meta.url));

/** Start the child, wait for its "ready" line, return it with what it printed. */
function startChild(
  kind: "container" | "process",
): Promise<{ pid: number; runId: string; port: number; exited: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, kind], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child did not print "ready" after 60000ms: ${out}`));
    }, 60_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /ready (\S+) (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ pid: child.pid!, runId: m[1]!, port: Number(m[2]), exited });
      }
    });
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => reject(new Error(`child exited with ${code}: ${out}`)));
  });
}

/** Wait until `pid` no longer exists; fail the test if it is still there after 5 s. */
async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`process ${pid} still exists 5 s after SIGKILL`);
}

describe("a run killed with SIGKILL leaves nothing behind once the next run starts", () => {
  it("container runtime: the next runtime removes the orphaned container", async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const child = await startChild("container");
    const label = { label: [`rootload.run=${child.runId}`] };
    expect((await docker.listContainers({ all: true, filters: label })).length).toBe(1);
    process.kill(child.pid, "SIGKILL");
    await waitGone(child.pid);
    // Nothing cleaned up after the kill: the container is still there.
    expect((await docker.listContainers({ all: true, filters: label })).length).toBe(1);
    const next = await ContainerRuntime.create();
    try {
      expect(await docker.listContainers({ all: true, filters: label })).toEqual([]);
      expect(await listening(child.port)).toBe(false);
    } finally {
      await next.close();
    }
  });

  it("process runtime: the next runtime ends the orphaned process group", async () => {
    const child = await startChild("process");
    expect(await listening(child.port)).toBe(true);
    process.kill(child.pid, "SIGKILL");
    await waitGone(child.pid);
    expect(await listening(child.port)).toBe(true);
    const next = new ProcessRuntime();
    try {
      let open = true;
      for (let i = 0; i < 50 && open; i++) {
        open = await listening(child.port);
        if (open) await new Promise((r) => setTimeout(r, 100));
      }
      expect(open).toBe(false);
    } finally {
      await next.close();
    }
  });

  it("SIGTERM: the run removes its own containers before it ends", async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const child = await startChild("container");
    const label = { label: [`rootload.run=${child.runId}`] };
    expect((await docker.listContainers({ all: true, filters: label })).length).toBe(1);
    process.kill(child.pid, "SIGTERM");
    await child.exited;
    expect(await docker.listContainers({ all: true, filters: label })).toEqual([]);
  });
});
