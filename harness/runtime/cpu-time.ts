import { readFileSync } from "node:fs";

/**
 * CPU demand so far, ms, per source ("pid:N" for a process, "cg:…" for a container's cgroup):
 * CPU time used plus time spent runnable but waiting for a CPU. On a machine other work loads, a
 * busy process gets a fraction of a core and would look half idle by CPU time alone; run + wait
 * grows by about the elapsed time whatever the load. Sources appear and vanish (a client exits, a
 * container stops): compare two snapshots source by source (see cpuUsedBetween), never totals.
 */
export type CpuSnapshot = Map<string, number>;

/** A file's text, or undefined when it is gone (the process exited between listing and reading). */
function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of `/proc/PID/stat` times (USER_HZ, 100 on every Linux ABI). */
const USER_HZ = 100;

/**
 * A process's CPU time in ms, all its threads: `/proc/PID/stat` utime + stime. One read per
 * process (a JVM has dozens of threads; per-thread `schedstat` would be finer but cost a read
 * each). Ticks are 10 ms: a look credits a process's use in whole ticks, unbiased over looks.
 */
function processCpuMs(pid: number): number | undefined {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return undefined;
  // Fields after the command name (which may hold spaces, in parentheses): state is field 3.
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
}

/**
 * Time `pid`'s main thread spent runnable but not running, ms (`schedstat` field 2, ns). The main
 * thread only: one read; the busy thread of the servers and clients here is their main one.
 */
function runqueueWaitMs(pid: number): number {
  const s = read(`/proc/${pid}/schedstat`);
  return s ? Number(s.split(" ")[1]) / 1e6 : 0;
}

/**
 * Children of `pid`'s main thread. Node, servers' masters and shells fork from their main thread;
 * reading every thread's list would cost a read per thread.
 */
function childrenOf(pid: number): number[] {
  const s = read(`/proc/${pid}/task/${pid}/children`);
  return s
    ? s
        .split(" ")
        .filter((c) => c.trim())
        .map(Number)
    : [];
}

/**
 * CPU time of every descendant of `root` (not `root` itself): the servers of the process runtime,
 * persistent clients (JVMs), spawned client processes. Linux only; empty elsewhere.
 */
export function descendantsCpu(root = process.pid): CpuSnapshot {
  const snap: CpuSnapshot = new Map();
  const todo = childrenOf(root);
  const seen = new Set<number>();
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    const ms = processCpuMs(pid);
    if (ms !== undefined) snap.set(`pid:${pid}`, ms + runqueueWaitMs(pid));
    todo.push(...childrenOf(pid));
  }
  return snap;
}

/**
 * The file holding the CPU time of the cgroup process `pid` is in (a container's init), as seen
 * from here: cgroup v1 `cpuacct.usage` (ns) or v2 `cpu.stat` (`usage_usec`). Undefined when the
 * process is not visible (an engine on another host) or the controller is not mounted.
 */
export function cgroupCpuFile(pid: number): string | undefined {
  const text = read(`/proc/${pid}/cgroup`);
  if (!text) return undefined;
  for (const line of text.split("\n")) {
    const [, controllers, path] = line.split(":");
    if (path === undefined) continue;
    if (controllers!.split(",").includes("cpuacct")) {
      for (const mount of ["/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/cpu,cpuacct"]) {
        const f = `${mount}${path}/cpuacct.usage`;
        if (read(f) !== undefined) return f;
      }
    }
  }
  const v2 = text.split("\n").find((l) => l.startsWith("0::"));
  if (v2) {
    const f = `/sys/fs/cgroup${v2.slice(3)}/cpu.stat`;
    if (read(f) !== undefined) return f;
  }
  return undefined;
}

/**
 * A cgroup's CPU demand so far, ms, from the file cgroupCpuFile chose: the CPU time of all its
 * threads plus the runqueue wait of its processes' main threads; undefined once it is gone.
 */
export function cgroupCpuMs(file: string): number | undefined {
  const text = read(file);
  if (text === undefined) return undefined;
  let ms: number;
  if (file.endsWith("cpuacct.usage")) ms = Number(text.trim()) / 1e6;
  else {
    const m = /^usage_usec (\d+)/m.exec(text);
    if (!m) return undefined;
    ms = Number(m[1]) / 1e3;
  }
  const procs = read(`${file.slice(0, file.lastIndexOf("/"))}/cgroup.procs`) ?? "";
  for (const pid of procs.split("\n")) if (pid) ms += runqueueWaitMs(Number(pid));
  return ms;
}

/**
 * CPU used between two snapshots, ms: per source present in both, its increase; a source only in
 * `after` started in between and counts whole; one only in `before` ended and its last moments are
 * lost (a look is 25 ms, and a process that ends has stopped loading the CPU).
 */
export function cpuUsedBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let ms = 0;
  for (const [k, v] of after) ms += Math.max(0, v - (before.get(k) ?? 0));
  return ms;
}
