import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { access, constants, rename, rm, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { InputError } from "../errors.ts";
import { log } from "../log.ts";
import {
  makeOwnedTempDir,
  openForSearch,
  ownedFile,
  ownerAlive,
  processIdentity,
  reapOrphanTempDirs,
  selfOwner,
  stateSubdir,
} from "../state-dir.ts";
import { onExit } from "./exit-hooks.ts";
import { freePort } from "./free-port.ts";
import { withLifetimeCap } from "./lifetime.ts";
import { LogBuffer } from "./log-buffer.ts";
import { type HostRelay, isolateBehindRelay, RELAY_READY } from "./relay.ts";
import {
  type Availability,
  type ExecResult,
  type Launched,
  type LaunchSpec,
  type MakeDirOptions,
  type Runtime,
  STATE_DIR,
} from "./runtime.ts";

/**
 * Where each live process group is recorded, so the next run can end those of a killed run: in
 * this user's 0700 state folder, never a shared one.
 */
const pidDir = () => stateSubdir("processes");

/** One record: who started the group, and what its leader is, to recognise it later. */
interface GroupRecord {
  ownerPid: number;
  ownerStart: string;
  /** The group leader (`timeout … <server>`), whose pid is the group id. */
  leader: number;
  leaderStart: string;
  argv: string[];
  name: string;
}
/** Server binaries live in sbin on Debian; a non-login shell may not have it on PATH. */
const PATH = [process.env.PATH ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin"].join(delimiter);

/** Run a short command on the host; never throws for a non-zero exit. */
export function run(argv: readonly string[], timeoutMs = 10_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      argv[0]!,
      argv.slice(1),
      { timeout: timeoutMs, env: { ...process.env, PATH }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 127) : 0;
        resolve({ exitCode: code, output: `${stdout}${stderr}${err && code === 127 ? err.message : ""}` });
      },
    );
  });
}

/** What is listened for on a child from the moment it is spawned. */
interface Spawned {
  output: LogBuffer;
  exited: Promise<void>;
  closed: Promise<void>;
}

function listenFromSpawn(child: ChildProcess): Spawned {
  const output = new LogBuffer();
  child.stdout?.on("data", (d) => output.append(d));
  child.stderr?.on("data", (d) => output.append(d));
  return {
    output,
    exited: new Promise<void>((resolve) => child.once("exit", () => resolve())),
    closed: new Promise<void>((resolve) => child.once("close", () => resolve())),
  };
}

class LocalProcess implements Launched {
  readonly #buf: LogBuffer;
  #exited: Promise<void>;

  /**
   * @param spawned the child's output and its "exit" and "close" (its pipes done), all listened
   * for from spawn on. A server that fails at once (`nginx -t` on a bad config) can exit before
   * this object exists: a listener attached only here would wait forever (with nothing else
   * pending, Node then quits with status 0), and its complaint would be lost — on exit Node
   * resumes any child pipe nobody reads, dropping what it held.
   */
  constructor(
    private readonly child: ChildProcess,
    private readonly pidFile: string,
    private readonly relay: HostRelay | undefined,
    private readonly name: string,
    spawned: Spawned,
  ) {
    this.#buf = spawned.output;
    // The output is closed once the pipes have delivered what the server wrote before exiting
    // (its complaint is the error message), or at most 5 s after exit if a worker still holds them.
    this.#exited = spawned.exited.then(async () => {
      await Promise.race([spawned.closed, new Promise((r) => setTimeout(r, 5_000).unref())]);
      this.#buf.close();
      await rm(pidFile, { force: true }).catch(() => {});
    });
  }

  output(): string {
    return this.#buf.text();
  }
  waitForLog(pattern: RegExp, from: number, timeoutMs: number): Promise<void> {
    return this.#buf.waitFor(pattern, from, timeoutMs, `${this.name} (process ${this.child.pid})`);
  }
  outputLength(): number {
    return this.#buf.length;
  }
  outputSince(from: number): string {
    return this.#buf.since(from);
  }
  async syncFiles(): Promise<void> {
    // The process reads the directory itself.
  }
  exec(argv: readonly string[], timeoutMs?: number): Promise<ExecResult> {
    return run(argv, timeoutMs);
  }
  async isRunning(): Promise<boolean> {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  killGroup(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, sig);
    } catch {
      // Already gone.
    }
  }
  async stop(): Promise<void> {
    await this.relay?.close();
    if (!(await this.isRunning())) return this.#exited;
    this.killGroup("SIGTERM");
    const timer = setTimeout(() => this.killGroup("SIGKILL"), 5_000);
    await this.#exited;
    clearTimeout(timer);
    // Workers (nginx, apache) share the group; make sure none outlives the master.
    this.killGroup("SIGKILL");
  }
  stopSync(): void {
    this.killGroup("SIGKILL");
    rmSync(this.pidFile, { force: true });
  }
}

/**
 * Servers as local processes on 127.0.0.1: the embedded default when no container engine is
 * available. Each server gets its own process group (killed as a whole) and a lifetime cap.
 */
export class ProcessRuntime implements Runtime {
  readonly kind = "process" as const;
  readonly host = "127.0.0.1";
  readonly #live = new Set<LocalProcess>();
  readonly #dirs = new Set<string>();
  readonly #unhook: () => void;

  constructor() {
    reapOrphanProcesses();
    reapOrphanTempDirs();
    this.#unhook = onExit({ closeSync: () => this.#closeSync(), close: () => this.close() });
  }

  freePort(): Promise<number> {
    return freePort();
  }

  async makeDir(name: string, options: MakeDirOptions = {}): Promise<string> {
    // As root, a server that switches users must enter its folder: it goes where the folders above allow search.
    const dir = makeOwnedTempDir(name, options.forUser !== undefined && process.getuid?.() === 0);
    this.#dirs.add(dir);
    return dir;
  }

  async hasBinary(binary: string): Promise<Availability> {
    if (binary.startsWith("/"))
      return access(binary, constants.X_OK).then(
        () => ({ ok: true }),
        () => ({ ok: false, reason: `${binary} is not installed on this host` }),
      );
    for (const d of PATH.split(delimiter)) {
      if (!d) continue;
      try {
        await access(join(d, binary), constants.X_OK);
        return { ok: true };
      } catch {
        // keep looking
      }
    }
    return { ok: false, reason: `${binary} is not installed on this host (not on PATH or in sbin)` };
  }

  /** A network namespace of its own needs `unshare -n` (root, or unprivileged user namespaces). */
  async canIsolate(): Promise<Availability> {
    const r = await run(["unshare", "-n", "true"]);
    return r.exitCode === 0
      ? { ok: true }
      : {
          ok: false,
          reason: `unshare -n fails here (needed to keep an all-address server off the host network): ${r.output.trim()}`,
        };
  }

  nodeBinary(): string {
    return process.execPath;
  }

  async packageVersions(packages: readonly string[]): Promise<Record<string, string>> {
    // dpkg-query's own ${field} syntax, not a template literal.
    const format = ["-f=$", "{Package}\t$", "{Version}\n"].join("");
    const r = await run(["dpkg-query", "-W", format, ...packages]);
    const out: Record<string, string> = {};
    for (const line of r.output.split("\n")) {
      const [p, v] = line.split("\t");
      if (p && v && packages.includes(p)) out[p] = v;
    }
    return out;
  }

  async launch(spec: LaunchSpec): Promise<Launched> {
    if (spec.image)
      throw new InputError(
        `${spec.name}.image`,
        `"${spec.image}" needs the container runtime, not local processes`,
      );
    // As root a server that switches users must reach its state folder (its dir came from makeDir's forUser).
    if (spec.dropsTo && process.getuid?.() === 0) openForSearch([spec.dir, join(spec.dir, STATE_DIR)]);
    let argv = [...spec.argv];
    let relay: HostRelay | undefined;
    if (spec.isolated) {
      // A fresh network namespace has only a loopback, and it starts down.
      ({ argv, relay } = await isolateBehindRelay({ ...spec, isolated: spec.isolated }, this.nodeBinary(), {
        prefix: ["unshare", "-n"],
        setup: "ip link set lo up || exit 1",
      }));
    }
    const capped = withLifetimeCap(argv);
    const child = spawn(capped[0]!, capped.slice(1), {
      cwd: spec.dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PATH },
    });
    const spawned = listenFromSpawn(child);
    const pidFile = join(pidDir(), `${process.pid}.${child.pid}`);
    const owner = selfOwner();
    // The start time is fixed at fork, so it can be read at once; argv is compared as spawned
    // because the child may not have exec'd yet.
    const record: GroupRecord = {
      ownerPid: owner.pid,
      ownerStart: owner.start,
      leader: child.pid ?? 0,
      leaderStart: processIdentity(child.pid ?? 0)?.start ?? "",
      argv: capped,
      name: spec.name,
    };
    try {
      await writeFile(`${pidFile}.tmp`, JSON.stringify(record), { mode: 0o600 });
      await rename(`${pidFile}.tmp`, pidFile);
    } catch (err) {
      // Without its record the group could outlive a killed run unseen: do not keep it.
      try {
        if (child.pid && child.pid > 1) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
      throw err;
    }
    const proc = new LocalProcess(child, pidFile, relay, spec.name, spawned);
    this.#live.add(proc);
    child.once("error", (err) => log.warn({ err, server: spec.name }, "server process error"));
    try {
      await proc.waitForLog(spec.ready.log, 0, spec.ready.timeoutMs);
      if (spec.isolated) await proc.waitForLog(RELAY_READY, 0, spec.ready.timeoutMs);
    } catch (err) {
      await proc.stop();
      this.#live.delete(proc);
      throw err;
    }
    const stop = proc.stop.bind(proc);
    proc.stop = async () => {
      await stop();
      this.#live.delete(proc);
    };
    return proc;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#live].map((p) => p.stop()));
    this.#live.clear();
    await Promise.allSettled([...this.#dirs].map((d) => rm(d, { recursive: true, force: true })));
    this.#dirs.clear();
    this.#unhook();
  }

  /** `await using runtime = …`: closed when the scope ends, however it ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #closeSync(): void {
    for (const p of this.#live) p.stopSync();
    for (const d of this.#dirs) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * End the process groups recorded by harness processes that no longer exist. Only records in this
 * user's state folder, owned by this user, are read, and a group is signalled only when its
 * leader is still the process that was recorded (same start time, same argv, still leading its
 * group): a pid reused since, or a record naming some other group, is dropped without a signal.
 */
export function reapOrphanProcesses(): number {
  let dir: string;
  try {
    dir = pidDir();
  } catch (err) {
    log.warn({ err }, "not reaping orphan servers");
    return 0;
  }
  let n = 0;
  for (const f of readdirSync(dir)) {
    // `<owner>.<leader>` only: a `.tmp` is a record another live run is writing right now.
    const name = /^(\d+)\.\d+$/.exec(f);
    if (!name) continue;
    const file = join(dir, f);
    const record = readRecord(file);
    if (record && ownerAlive(record.ownerPid, record.ownerStart)) continue;
    // Unreadable: dropped only once no process has the owner's pid any more.
    if (!record && processIdentity(Number(name[1])) !== undefined) continue;
    if (record && isRecordedLeader(record)) {
      try {
        process.kill(-record.leader, "SIGKILL");
        n++;
      } catch {
        // Already gone.
      }
    }
    rmSync(file, { force: true });
  }
  if (n) log.info({ groups: n }, "ended server processes left by a killed run");
  return n;
}

function readRecord(file: string): GroupRecord | undefined {
  if (!ownedFile(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as GroupRecord;
    return Number.isSafeInteger(r.leader) && Array.isArray(r.argv) ? r : undefined;
  } catch {
    return undefined;
  }
}

function isRecordedLeader(r: GroupRecord): boolean {
  // Never a group id of 0 or 1: kill(-1) signals every process the user may signal.
  if (r.leader <= 1 || r.leader === process.pid) return false;
  const id = processIdentity(r.leader);
  return (
    id !== undefined &&
    id.start === r.leaderStart &&
    id.pgrp === r.leader &&
    id.argv.length === r.argv.length &&
    id.argv.every((a, i) => a === r.argv[i])
  );
}
