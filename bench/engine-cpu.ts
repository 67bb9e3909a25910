import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc times (USER_HZ: 100 on every Linux ABI). */
const USER_HZ = 100;

/**
 * The container engine's processes by name (`/proc/PID/comm`, at most 15 characters): the daemon,
 * containerd, one shim per container, runc (and its `runc:[N:INIT]` stages before the container's
 * own program replaces them), the userland port proxy.
 */
const ENGINE = /^(dockerd|containerd|containerd-shim.*|runc.*|docker-proxy)$/;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * A process's CPU time so far, s: its own (utime + stime) and its waited-for children's (cutime +
 * cstime), so a `runc create` that its shim reaped counts with the shim.
 */
function cpuSeconds(pid: string): number | undefined {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return undefined;
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / USER_HZ;
}

/**
 * The engine's CPU time over a stretch of work, s, sampled every `everyMs` from /proc: per engine
 * process, its last figure seen while it had an engine name minus its figure at the start (0 for
 * one born since). A lower bound: a shim's last moments before it exits (and the runc it reaped
 * then) fall to PID 1, which is not counted; so do engine processes that live less than one
 * sampling period without a parent of the engine reaping them.
 */
export class EngineCpu {
  readonly #first = new Map<string, number>();
  readonly #last = new Map<string, number>();
  /** CPU seconds of processes whose pid went to another engine process since. */
  #ended = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(everyMs = 500) {
    this.#sample(true);
    this.#timer = setInterval(() => this.#sample(false), everyMs);
    this.#timer.unref();
  }

  #sample(start: boolean): void {
    let pids: string[];
    try {
      pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
    } catch {
      return; // not Linux: nothing to count
    }
    for (const pid of pids) {
      const comm = read(`/proc/${pid}/comm`)?.trim();
      if (!comm || !ENGINE.test(comm)) continue;
      const s = cpuSeconds(pid);
      if (s === undefined) continue;
      const last = this.#last.get(pid);
      if (last !== undefined && s < last) {
        // A reused pid (CPU time never shrinks): the old process ended at its last figure.
        this.#ended += last - (this.#first.get(pid) ?? 0);
        this.#first.set(pid, 0);
      } else if (!this.#first.has(pid)) this.#first.set(pid, start ? s : 0);
      this.#last.set(pid, s);
    }
  }

  /** Stop sampling; the engine's CPU seconds since the start. */
  stop(): number {
    this.#sample(false);
    clearInterval(this.#timer);
    let total = this.#ended;
    for (const [pid, last] of this.#last) total += Math.max(0, last - (this.#first.get(pid) ?? 0));
    return total;
  }
}
