import { readFileSync } from "node:fs";

/**
 * The CPU load of a set of processes at one moment: CPU time used so far, ms, per source ("pid:N"
 * for a process, "cg:…" for a container's cgroup), and the sources with a process that is running
 * or waiting for a CPU right now (state R). CPU time alone misses a busy process on a machine that
 * other work loads: it gets a CPU now and then, and its time is accounted only when it runs, so
 * it can show nothing for a 25 ms look and then 150 ms at once. Its state is R all along.
 * Sources appear and vanish (a client exits, a container stops): compare two snapshots source by
 * source (see cpuUsedBetween), never their totals.
 */
export interface CpuSnapshot {
  cpu: Map<string, number>;
  runnable: Set<string>;
}

export function emptySnapshot(): CpuSnapshot {
  return { cpu: new Map(), runnable: new Set() };
}

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
 * A process's CPU time in ms, all its threads (`/proc/PID/stat` utime + stime, 10 ms ticks), and
 * whether its main thread is running or runnable. One read per process: a JVM has dozens of
 * threads, and the busy thread of the servers and clients here is their main one.
 */
function processStat(pid: number): { cpuMs: number; runnable: boolean } | undefined {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return undefined;
  // Fields after the command name (which may hold spaces, in parentheses): state is field 3.
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ, runnable: f[0] === "R" };
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
 * Every descendant of `root` (not `root` itself), into `snap`: the servers of the process runtime,
 * persistent clients (JVMs), spawned client processes. Linux only; nothing elsewhere.
 */
export function addDescendants(snap: CpuSnapshot, root = process.pid): void {
  const todo = childrenOf(root);
  const seen = new Set<number>();
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    const st = processStat(pid);
    if (st) {
      snap.cpu.set(`pid:${pid}`, st.cpuMs);
      if (st.runnable) snap.runnable.add(`pid:${pid}`);
    }
    todo.push(...childrenOf(pid));
  }
}

/**
 * The file holding the CPU time of the cgroup process `pid` is in (a container's init), as seen
 * from here: cgroup v1 `cpuacct.usage` (ns) or v2 `cpu.stat` (`usage_usec`). Undefined when the
 * process is not visible (an engine on another host: `containerId`, when given, must appear in
 * the process's cgroup path) or the controller is not mounted.
 */
export function cgroupCpuFile(pid: number, containerId?: string): string | undefined {
  const text = read(`/proc/${pid}/cgroup`);
  if (!text) return undefined;
  // An engine on another host reports a pid of its own: here it is some other process, or none.
  if (containerId && !text.includes(containerId)) return undefined;
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
 * A cgroup into `snap` under `key`, from the file cgroupCpuFile chose: the CPU time of all its
 * threads (ns precision), and runnable when one of its processes' main threads is. Nothing once
 * the cgroup is gone.
 */
export function addCgroup(snap: CpuSnapshot, key: string, file: string): void {
  const text = read(file);
  if (text === undefined) return;
  let ms: number;
  if (file.endsWith("cpuacct.usage")) ms = Number(text.trim()) / 1e6;
  else {
    const m = /^usage_usec (\d+)/m.exec(text);
    if (!m) return;
    ms = Number(m[1]) / 1e3;
  }
  snap.cpu.set(key, ms);
  const procs = read(`${file.slice(0, file.lastIndexOf("/"))}/cgroup.procs`) ?? "";
  for (const pid of procs.split("\n"))
    if (pid && processStat(Number(pid))?.runnable) {
      snap.runnable.add(key);
      break;
    }
}

/**
 * CPU used between two snapshots, ms: per source present in both, its increase; a source only in
 * `after` started in between and counts whole; one only in `before` ended and its last moments are
 * lost (a look is 25 ms, and a process that ends has stopped loading the CPU).
 */
export function cpuUsedBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let ms = 0;
  for (const [k, v] of after.cpu) ms += Math.max(0, v - (before.cpu.get(k) ?? 0));
  return ms;
}
