import { PerformanceObserver } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { log } from "../log.ts";
import { addDescendants, type CpuSnapshot, cpuUsedBetween, emptySnapshot } from "../runtime/cpu-time.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { type RunPhases, timed } from "./phases.ts";
import { ReadWriteLock } from "./read-write-lock.ts";

/** When the run counts as quiet before a latency sample. */
export interface QuietOptions {
  /** Length of one look, ms. */
  lookMs: number;
  /** Most CPU the whole run may use during a look, as a share of one core. */
  maxShare: number;
  /** Give up waiting after this long and sample anyway (counted as `unquiet`), ms. */
  timeoutMs: number;
}

/**
 * 25 ms looks, under 10 % of a core. An idle run (every server waiting for a connection, no client
 * running) measures 1–3 % here (the look's own reads of /proc); a reload's aftermath (nginx's old
 * workers leaving, Apache's graceful restart, a JVM compiling) tens of percent for tens of ms.
 */
export const QUIET: QuietOptions = { lookMs: 25, maxShare: 0.1, timeoutMs: 1_500 };

/** What a run's sampling windows did, for the bench and the run log. */
export interface SamplingStats {
  windows: number;
  /** Windows that sampled without the run having gone quiet within QUIET.timeoutMs. */
  unquiet: number;
  /** Waiting for quiet before the samples, ms. */
  settleMs: number;
  /** This process's garbage-collection pauses inside the samples, ms. */
  gcMs: number;
}

/**
 * The CPU time of everything the run is made of: this process (its own event loop, GC and worker
 * threads), its descendants (process-runtime servers, JVM and Go clients, spawned `s_client`s) and
 * the runtime's containers (processes of the engine, not ours).
 */
export function runCpu(runtime?: Pick<Runtime, "cpuTimes">): CpuSnapshot {
  const snap = runtime?.cpuTimes?.() ?? emptySnapshot();
  addDescendants(snap);
  // This process is running (it is taking the snapshot): only its CPU time counts.
  const self = process.cpuUsage();
  snap.cpu.set("self", (self.user + self.system) / 1000);
  return snap;
}

/**
 * Wait until, over one look, the run used less than `maxShare` of a core and, at its end, none of
 * its processes is running or waiting for a CPU; or until `timeoutMs` has passed. Looks follow each
 * other without a gap, each one's end snapshot the next one's start.
 */
export async function awaitQuiet(
  snapshot: () => CpuSnapshot,
  options: QuietOptions = QUIET,
): Promise<{ quiet: boolean; waitedMs: number; share: number; runnable: number }> {
  const t0 = performance.now();
  let before = snapshot();
  let at = performance.now();
  for (;;) {
    await sleep(options.lookMs);
    const after = snapshot();
    const now = performance.now();
    const share = cpuUsedBetween(before, after) / (now - at);
    const runnable = after.runnable.size;
    if (share <= options.maxShare && runnable === 0)
      return { quiet: true, waitedMs: now - t0, share, runnable };
    if (now - t0 >= options.timeoutMs) return { quiet: false, waitedMs: now - t0, share, runnable };
    before = after;
    at = now;
  }
}

/** GC pauses of this process, as the runtime reports them (asynchronously, after the fact). */
class GcPauses {
  readonly #pauses: { start: number; end: number }[] = [];
  readonly #observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      this.#pauses.push({ start: e.startTime, end: e.startTime + e.duration });
  });
  #users = 0;

  open(): void {
    if (this.#users++ === 0) this.#observer.observe({ entryTypes: ["gc"] });
  }

  close(): void {
    if (--this.#users === 0) {
      this.#observer.disconnect();
      this.#pauses.length = 0;
    }
  }

  /** Pause time inside [from, to], ms; entries before `from` are dropped (windows come in order). */
  async within(from: number, to: number): Promise<number> {
    // Entries are delivered on a later turn of the event loop.
    await new Promise((r) => setImmediate(r));
    let ms = 0;
    for (const p of this.#pauses) ms += Math.max(0, Math.min(p.end, to) - Math.max(p.start, from));
    const keep = this.#pauses.filter((p) => p.end > to);
    this.#pauses.splice(0, this.#pauses.length, ...keep);
    return ms;
  }
}

const gcPauses = new GcPauses();

/**
 * Exclusive latency windows for a run's series (one series or many). Every series holds the run's
 * lock shared for everything it does in this process — starting, reloading and stopping its
 * server, probing, spawning and driving clients, writing results — and gives it up only to wait
 * for a window. A window holds the lock alone, so no series' work runs beside it; then it waits
 * until the whole run (this process, its child processes, its containers) has gone quiet, because
 * work ended before the window can still load the CPU after it (a reload's old workers leaving, a
 * JVM compiling, a GC thread finishing). A `--jobs 1` run goes through the same windows, so both
 * measure from the same quiet state.
 */
export class SamplingWindows {
  readonly #lock = new ReadWriteLock();
  readonly #stats: SamplingStats = { windows: 0, unquiet: 0, settleMs: 0, gcMs: 0 };

  constructor(
    private readonly snapshot: () => CpuSnapshot,
    private readonly phases: RunPhases,
    private readonly options: QuietOptions = QUIET,
  ) {
    gcPauses.open();
  }

  get stats(): SamplingStats {
    return { ...this.#stats };
  }

  /** The lock's state, for tests. */
  get lockState(): ReadWriteLock["state"] {
    return this.#lock.state;
  }

  /** A series' shared hold on the run, taken before its first step; `leave()` it after its last. */
  async join(): Promise<SeriesHold> {
    return new SeriesHold(this, await this.#lock.acquire(false));
  }

  /** Stop observing GC (the run is over). */
  close(): void {
    gcPauses.close();
  }

  /** @internal SeriesHold's window: alone, after the run went quiet. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#lock.write(async () => {
      const q = await timed(this.phases, "settle", () => awaitQuiet(this.snapshot, this.options));
      this.#stats.windows++;
      this.#stats.settleMs += q.waitedMs;
      if (!q.quiet) {
        this.#stats.unquiet++;
        log.debug(
          { share: Math.round(q.share * 100) / 100, runnable: q.runnable, waitedMs: Math.round(q.waitedMs) },
          "sampling before the run went quiet",
        );
      }
      const t0 = performance.now();
      try {
        return await work();
      } finally {
        this.#stats.gcMs += await gcPauses.within(t0, performance.now());
      }
    });
  }

  /** @internal */
  acquireShared(): Promise<() => void> {
    return this.#lock.acquire(false);
  }
}

/** One series' hold on the run's lock: shared, except while it samples. */
export class SeriesHold {
  #release: (() => void) | undefined;

  constructor(
    private readonly windows: SamplingWindows,
    release: () => void,
  ) {
    this.#release = release;
  }

  /** Run `work` in an exclusive window, then take the shared hold again. */
  readonly exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    this.#release?.();
    this.#release = undefined;
    try {
      return await this.windows.exclusive(work);
    } finally {
      this.#release = await this.windows.acquireShared();
    }
  };

  /** Give the hold up for good (the series is over). Idempotent. */
  leave(): void {
    this.#release?.();
    this.#release = undefined;
  }
}
