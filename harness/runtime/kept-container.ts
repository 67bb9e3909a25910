import { join } from "node:path";
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import type { StartedTestContainer } from "testcontainers";
import { EngineError, messageOf } from "../errors.ts";
import { log } from "../log.ts";
import { withLifetimeCap } from "./lifetime.ts";
import { LogBuffer } from "./log-buffer.ts";
import { type HostRelay, isolateBehindRelay, RELAY_READY } from "./relay.ts";
import { type ExecResult, type Launched, type LaunchSpec, STATE_DIR } from "./runtime.ts";
import { withTimeout } from "./with-timeout.ts";

const ENGINE_TIMEOUT_MS = 15_000;
/** How long a server has to exit after TERM before its whole process group is killed. */
const TERM_GRACE_MS = 3_000;
/** The pid (= process group id: `timeout` leads its own group) of the server running in the container. */
const PID_FILE = "rootload-server.pid";

/**
 * What must be the same for a server to be started again in a kept container: the mounted
 * folder, the network (host, or none behind the relay) and the capabilities are fixed when the
 * container is created.
 */
export function containerShape(spec: LaunchSpec): string {
  return JSON.stringify([
    spec.dir,
    spec.isolated?.innerPort ?? null,
    [...(spec.rootCapabilities ?? [])].sort(),
    spec.dropsTo ?? null,
  ]);
}

/** What the container runtime hands a kept container: how to start a fresh one, and bookkeeping. */
export interface KeeperHost {
  /** A fresh kept container for `spec` (the old one is already removed). */
  launch(spec: LaunchSpec): Promise<Launched>;
  /** Remove the container and forget it (its cgroup, its id). */
  remove(id: string): Promise<void>;
  /** The Node.js binary inside the container (for the isolation relay). */
  nodeBinary(): string;
  /** Whether the engine is remote: the folder is copied in again before each start. */
  copiesFiles: boolean;
}

/**
 * A container of rootload's image that outlives the servers started in it. Its main process
 * only waits (`sleep`, under `timeout` for the lifetime cap, under the engine's init, which reaps
 * what a stopped server's workers leave); each server is a process `docker exec`'d into it, with
 * its own output, its own exit watch and its own lifetime cap (what is left of the container's).
 * A restart-type server (s_server, gnutls-serv, stunnel, lighttpd, PostgreSQL) that takes a new
 * list replaces its process here instead of its container. The container goes with the last
 * server's `stop()`, or with the runtime (close, exit hooks, the next run's orphan reaper, all by label).
 */
export class KeptContainer {
  readonly createdAt = Date.now();
  /** Set once the container is being removed: nothing more starts in it. */
  #removed = false;

  readonly #docker: Dockerode.Container;

  constructor(
    readonly started: StartedTestContainer,
    readonly dockerode: Dockerode,
    readonly shape: string,
    readonly lifetimeSeconds: number,
    private readonly host: KeeperHost,
  ) {
    this.#docker = dockerode.getContainer(started.getId());
  }

  get id(): string {
    return this.started.getId();
  }

  /** Seconds of the container's life left (at least 1). */
  remainingSeconds(): number {
    return Math.max(1, Math.floor(this.lifetimeSeconds - (Date.now() - this.createdAt) / 1000));
  }

  /**
   * Whether a server can be started here for `spec`: same shape, not removed, and at least half
   * of the lifetime left (a long series moves to a fresh container rather than one about to end).
   */
  fits(spec: LaunchSpec): boolean {
    return (
      !this.#removed &&
      containerShape(spec) === this.shape &&
      this.remainingSeconds() > this.lifetimeSeconds / 2
    );
  }

  /** Start `spec`'s server in this container and wait until it is ready (or fail with its output). */
  async run(spec: LaunchSpec): Promise<ExecServer> {
    await this.sync(spec.dir, spec.name);
    let argv = [...spec.argv];
    let relay: HostRelay | undefined;
    if (spec.isolated)
      ({ argv, relay } = await isolateBehindRelay(
        { ...spec, isolated: spec.isolated },
        this.host.nodeBinary(),
      ));
    const pidFile = join(spec.dir, STATE_DIR, PID_FILE);
    const buf = new LogBuffer();
    let server: ExecServer;
    try {
      const exec = await withTimeout(
        this.#docker.exec({
          // The shell records its pid and becomes `timeout`, which leads a process group of its own.
          Cmd: [
            "sh",
            "-c",
            'echo $$ > "$0"; exec "$@"',
            pidFile,
            ...withLifetimeCap(argv, this.remainingSeconds()),
          ],
          AttachStdout: true,
          AttachStderr: true,
          WorkingDir: spec.dir,
        }),
        ENGINE_TIMEOUT_MS,
        `${spec.name}: exec into its container`,
      );
      const stream = await withTimeout(
        exec.start({ hijack: true, stdin: false }),
        ENGINE_TIMEOUT_MS,
        `${spec.name}: starting the server in its container`,
      );
      server = new ExecServer(this, spec.name, spec.dir, stream, buf, pidFile, relay);
    } catch (err) {
      await relay?.close();
      throw new EngineError(`${spec.name}: could not start in its container: ${messageOf(err)}`);
    }
    try {
      await server.waitForLog(spec.ready.log, 0, spec.ready.timeoutMs);
      if (spec.isolated) await server.waitForLog(RELAY_READY, 0, spec.ready.timeoutMs);
    } catch (err) {
      await server.end();
      throw err;
    }
    return server;
  }

  /** On an engine that cannot bind-mount the folder, copy it in again (after a re-render). */
  async sync(dir: string, name: string): Promise<void> {
    if (this.host.copiesFiles)
      await withTimeout(
        this.started.copyDirectoriesToContainer([{ source: dir, target: dir }]),
        ENGINE_TIMEOUT_MS,
        `${name}: copying ${dir} into the container`,
      );
  }

  /** Run a short command in the container (a reload signal, a kill). */
  async exec(argv: readonly string[], timeoutMs: number, what: string): Promise<ExecResult> {
    const r = await withTimeout(this.started.exec([...argv]), timeoutMs, `${what}: exec "${argv.join(" ")}"`);
    return { exitCode: r.exitCode, output: r.output };
  }

  /** The engine's word on whether the container still runs. */
  async isRunning(): Promise<boolean> {
    if (this.#removed) return false;
    try {
      const info = await withTimeout(this.#docker.inspect(), ENGINE_TIMEOUT_MS, "container inspect");
      return info.State.Running;
    } catch {
      return false;
    }
  }

  async remove(): Promise<void> {
    if (this.#removed) return;
    this.#removed = true;
    await this.host.remove(this.id);
  }

  /** A fresh kept container for `spec` (this one is removed first). */
  async replace(spec: LaunchSpec): Promise<Launched> {
    await this.remove();
    return this.host.launch(spec);
  }
}

/** A server process `docker exec`'d into a kept container. */
export class ExecServer implements Launched {
  #ended = false;
  readonly #exited: Promise<void>;

  constructor(
    private readonly keeper: KeptContainer,
    private readonly name: string,
    private readonly dir: string,
    stream: NodeJS.ReadWriteStream,
    private readonly buf: LogBuffer,
    private readonly pidFile: string,
    private readonly relay: HostRelay | undefined,
  ) {
    const out = new PassThrough();
    out.on("data", (d: Buffer) => buf.append(d));
    // Output and exit come on the same multiplexed stream: it ends when the server (and every
    // process holding its output) is gone.
    keeper.dockerode.modem.demuxStream(stream, out, out);
    this.#exited = new Promise<void>((resolve) => {
      const done = () => {
        if (this.#ended) return;
        this.#ended = true;
        buf.close();
        resolve();
      };
      stream.on("end", done);
      stream.on("close", done);
      stream.on("error", done);
    });
  }

  output(): string {
    return this.buf.text();
  }
  outputLength(): number {
    return this.buf.length;
  }
  outputSince(from: number): string {
    return this.buf.since(from);
  }
  waitForLog(pattern: RegExp, from: number, timeoutMs: number): Promise<void> {
    return this.buf.waitFor(
      pattern,
      from,
      timeoutMs,
      `${this.name} (container ${this.keeper.id.slice(0, 12)})`,
    );
  }
  syncFiles(): Promise<void> {
    return this.keeper.sync(this.dir, this.name);
  }
  exec(argv: readonly string[], timeoutMs = 10_000): Promise<ExecResult> {
    return this.keeper.exec(argv, timeoutMs, this.name).catch((err) => {
      throw new EngineError(`${this.name}: ${messageOf(err)}`);
    });
  }
  /** The exec stream is open while the server lives: no engine round trip. */
  async isRunning(): Promise<boolean> {
    return !this.#ended;
  }

  /** End the server's process group: TERM, then KILL after a grace; its container stays. */
  async end(): Promise<void> {
    await this.relay?.close();
    if (!this.#ended) {
      for (const signal of ["TERM", "KILL"] as const) {
        await this.keeper
          .exec(
            // Shell builtins only: a cut-down image (the remote engine's) has no `cat` or `kill` binary.
            ["sh", "-c", `read -r p < "$1" && kill -s ${signal} -- "-$p"`, "sh", this.pidFile],
            ENGINE_TIMEOUT_MS,
            this.name,
          )
          .catch((err) => log.debug({ err: messageOf(err), server: this.name }, "kill in container failed"));
        const gone = await Promise.race([
          this.#exited.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), TERM_GRACE_MS).unref()),
        ]);
        if (gone) break;
      }
    }
    if (!this.#ended && (await this.keeper.isRunning()))
      throw new EngineError(
        `${this.name}: its process in container ${this.keeper.id.slice(0, 12)} did not end`,
      );
  }

  /** The server and its container. */
  async stop(): Promise<void> {
    await this.end().catch((err) =>
      log.debug({ err: messageOf(err) }, "server did not end; removing its container"),
    );
    await this.keeper.remove();
  }

  /**
   * Stop this server and start `spec` in the same container. If the new server fails to start,
   * the container is kept for the next try and this (ended) server still owns it: its `stop()`
   * removes it. A container that no longer fits (other folder or network, half its life gone, or
   * dead) is replaced by a fresh one.
   */
  async restart(spec: LaunchSpec): Promise<Launched> {
    await this.end().catch(() => this.keeper.remove());
    if (!this.keeper.fits(spec) || !(await this.keeper.isRunning())) return this.keeper.replace(spec);
    return this.keeper.run(spec);
  }
}
