import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { newPhases } from "../../../harness/run/phases.ts";
import { awaitQuiet, runCpu, SamplingWindows } from "../../../harness/run/sampling-windows.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** A real child process that spins until killed (a server's reload aftermath, a JIT, a client). */
function spinner() {
  return spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
}

describe("awaitQuiet", () => {
  it("waits while a child process of the run is busy (even when the machine is loaded) and returns once it ends", async () => {
    const child = spinner();
    try {
      await waitUntil(() => runCpu().runnable.has(`pid:${child.pid}`));
      // Busy: never quiet within the timeout. A spinning child is running or waiting for a CPU
      // (state R) at every look, however little CPU time other load on the machine leaves it.
      const busy = await awaitQuiet(() => runCpu(), { lookMs: 25, maxShare: 0.1, timeoutMs: 300 });
      expect(busy.quiet).toBe(false);
      expect(busy.runnable).toBe(1);
      setTimeout(() => child.kill("SIGKILL"), 100);
      const after = await awaitQuiet(() => runCpu(), { lookMs: 25, maxShare: 0.1, timeoutMs: 60_000 });
      expect(after.quiet).toBe(true);
      expect(after.waitedMs).toBeGreaterThanOrEqual(100);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("SamplingWindows", () => {
  it("opens a window only when no series holds the run, and the series gets its hold back after", async () => {
    const windows = new SamplingWindows(() => runCpu(), newPhases());
    try {
      const a = await windows.join();
      const b = await windows.join();
      const events: string[] = [];
      // A samples while B is still busy under its hold: the window waits for B to leave.
      const sampled = a.exclusive(async () => {
        events.push("window");
        expect(windows.lockState.readers).toBe(0);
        return 42;
      });
      await sleep(20);
      events.push("b leaves");
      b.leave();
      expect(await sampled).toBe(42);
      // A holds the run again: a later window (B joining again) must wait for A.
      expect(windows.lockState.readers).toBe(1);
      expect(events).toEqual(["b leaves", "window"]);
      a.leave();
      expect(windows.lockState).toEqual({ readers: 0, writer: false, waiting: 0 });
      expect(windows.stats.windows).toBe(1);
    } finally {
      windows.close();
    }
  });

  it("waits inside the window for a busy child to stop, and counts that wait as settle time", async () => {
    const phases = newPhases();
    const windows = new SamplingWindows(() => runCpu(), phases, {
      lookMs: 25,
      maxShare: 0.1,
      timeoutMs: 60_000,
    });
    const child = spinner();
    try {
      // Spinning before the window is asked for (a child may take a while to start on a loaded machine).
      await waitUntil(() => runCpu().runnable.has(`pid:${child.pid}`));
      const hold = await windows.join();
      let killedAt = Number.POSITIVE_INFINITY;
      setTimeout(() => {
        killedAt = performance.now();
        child.kill("SIGKILL");
      }, 150);
      let openedAt = 0;
      await hold.exclusive(async () => {
        openedAt = performance.now();
      });
      hold.leave();
      // Judged by time, not by the child's 'exit' event: the event may be delivered after the
      // window opened although the process was gone before.
      expect(openedAt, "the sample starts after the busy child was killed").toBeGreaterThan(killedAt);
      expect(phases.settle).toBeGreaterThanOrEqual(100);
      expect(windows.stats.unquiet).toBe(0);
    } finally {
      child.kill("SIGKILL");
      windows.close();
    }
  });
});
