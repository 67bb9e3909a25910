import type { CpuSnapshot } from "./cpu-time.ts";

/**
 * A runtime runs what a server driver rendered: a directory of files and one foreground
 * command. Drivers never know which runtime runs them; the server sees the files at the same
 * absolute path (the container runtime bind-mounts the directory at its host path, or, on a
 * remote engine, copies it in through the engine's archive API and again on `syncFiles()`).
 */

/** When a launched server counts as ready: a line matching `log` appeared in its output. */
export interface ReadyCheck {
  log: RegExp;
  timeoutMs: number;
}

/**
 * The writable part of a server's folder: `<dir>/state` holds what the server writes (pid files,
 * temp files, the relay socket). Everything else in `dir` is input, mounted read-only in a container.
 */
export const STATE_DIR = "state";

/** What a driver renders once per start. */
export interface LaunchSpec {
  /** Driver name, for labels and messages. */
  name: string;
  /**
   * Absolute directory holding the rendered files; the server reads its files from here and
   * writes only into `dir/state` (STATE_DIR), which exists before launch.
   */
  dir: string;
  /**
   * Linux capabilities the server needs when it runs as root (nginx and Apache switch their
   * workers to another user). Containers drop every other one; as another user none are kept.
   */
  rootCapabilities?: readonly string[];
  /**
   * The user a server started as root switches to (PostgreSQL refuses to run as root). That user
   * must reach `dir/state`: the runtime gives the folders on the way search-only rights for others
   * (0711: enter by a known name, never list, read or write); what it writes there it owns.
   */
  dropsTo?: string;
  /** The server command, in the foreground. argv[0] is looked up on PATH. */
  argv: readonly string[];
  ready: ReadyCheck;
  /**
   * The server cannot bind a single address (gnutls-serv binds every interface): the runtime
   * gives it a network namespace of its own, where it listens on `innerPort`, and relays
   * 127.0.0.1:`port` on the host to it through a Unix socket in `dir`.
   */
  isolated?: { innerPort: number };
  /** The port the server is reached on, at the runtime's `host`. */
  port: number;
  /**
   * A user's locally present image instead of rootload's (container runtime only; never pulled).
   * It has no coreutils `timeout`, node or labels: the runtime caps its life from outside.
   */
  image?: string;
}

/** The result of a command run beside the server (same filesystem view, same network). */
export interface ExecResult {
  exitCode: number;
  output: string;
}

/** A server process started by a runtime. */
export interface Launched {
  /** What the server wrote to stdout and stderr (the kept tail). */
  output(): string;
  /** A position in the output: everything ever written so far, in characters. */
  outputLength(): number;
  /** Output written at or after position `from`. */
  outputSince(from: number): string;
  /** Wait until a line matching `pattern` appears in the output at or after character `from`. */
  waitForLog(pattern: RegExp, from: number, timeoutMs: number): Promise<void>;
  /**
   * Make the directory's current files visible to the server (after a re-render, before a
   * reload signal). A no-op where the server reads the directory itself.
   */
  syncFiles(): Promise<void>;
  /** Run a command where the server runs (e.g. `nginx -s reload`). */
  exec(argv: readonly string[], timeoutMs?: number): Promise<ExecResult>;
  /**
   * Send a signal to the server's own process through the engine, where that process is the
   * container's main one (a user's image: no shell or helpers to run a reload command with).
   * Absent where the server runs under a wrapper (`timeout`) or as a host process.
   */
  signalMain?(signal: NodeJS.Signals): Promise<void>;
  isRunning(): Promise<boolean>;
  stop(): Promise<void>;
  /**
   * Stop this server and start `spec` in its place (same folder and port: a restart-type
   * server taking a new list), keeping what is costly to set up: the container runtime starts
   * the new process in the same container. Absent where there is nothing to keep (a process, a
   * user's image, whose server is the container's main process): stop, then `launch()`.
   * If the new server fails to start, this object still owns what was kept, and `stop()` ends it.
   */
  restart?(spec: LaunchSpec): Promise<Launched>;
}

export interface Availability {
  ok: boolean;
  reason?: string;
}

export interface MakeDirOptions {
  /**
   * The user the server will switch to (LaunchSpec.dropsTo), who must be able to enter the
   * directory: the process runtime puts it where the folders above allow search.
   */
  forUser?: string;
}

export type RuntimeKind = "container" | "process";

/**
 * Runs launch specs. One instance per harness process; `close()` (or leaving an `await using`
 * scope) removes everything it started.
 */
export interface Runtime extends AsyncDisposable {
  readonly kind: RuntimeKind;
  /**
   * The address servers listen on and are reached at: 127.0.0.1, or a remote engine's address.
   * Probes and clients connect here; the server certificate names it.
   */
  readonly host: string;
  /** A TCP port free at `host`. */
  freePort(): Promise<number>;
  /** A fresh directory for a server's files, visible to the server at the same path. */
  makeDir(name: string, options?: MakeDirOptions): Promise<string>;
  /** Whether `binary` (from Debian package `pkg`) can be run by this runtime. */
  hasBinary(binary: string, pkg?: string): Promise<Availability>;
  /** Whether this runtime can give a server a network namespace of its own (LaunchSpec.isolated). */
  canIsolate(): Promise<Availability>;
  /** The path of the Node.js binary servers run under (the node driver's interpreter). */
  nodeBinary(): string;
  /** Exact package versions (Debian package name → version) of what this runtime runs. */
  packageVersions(packages: readonly string[]): Promise<Record<string, string>>;
  launch(spec: LaunchSpec): Promise<Launched>;
  /** Whether a user's image is present locally (container runtime; absent elsewhere). */
  hasImage?(image: string): Promise<boolean>;
  /**
   * Resource limits servers run under, and whether the engine enforces them (containers; a
   * memory limit is silently ignored where the cgroup memory controller is not delegated).
   */
  limits?(): { memoryBytes: number; pids: number; memoryEnforced?: boolean; pidsEnforced?: boolean };
  /**
   * CPU time used so far by what this runtime runs outside this process's own children (a
   * container's processes belong to the engine), one entry per server; absent where the runtime's
   * servers are this process's descendants (the process runtime) or cannot be seen from here.
   */
  cpuTimes?(): CpuSnapshot;
  /** Stop and remove everything this runtime started. */
  close(): Promise<void>;
}
