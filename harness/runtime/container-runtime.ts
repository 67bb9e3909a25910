import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import {
  type ContainerRuntimeClient,
  GenericContainer,
  getContainerRuntimeClient,
  ImageName,
  type StartedTestContainer,
  Wait,
} from "testcontainers";
import { EngineError, InputError, messageOf } from "../errors.ts";
import { log } from "../log.ts";
import { makeOwnedTempDir, openForSearch, ownerAlive, reapOrphanTempDirs, selfOwner } from "../state-dir.ts";
import { addCgroup, type CpuSnapshot, cgroupCpuFile, emptySnapshot } from "./cpu-time.ts";
import { type EngineEndpoint, engineEndpoint } from "./engine-address.ts";
import { onExit } from "./exit-hooks.ts";
import { freePort, freeRemotePort } from "./free-port.ts";
import { containerShape, KeptContainer } from "./kept-container.ts";
import { serverLifetimeSeconds, withLifetimeCap } from "./lifetime.ts";
import { LogBuffer } from "./log-buffer.ts";
import { type HostRelay, isolateBehindRelay, RELAY_READY } from "./relay.ts";
import {
  type Availability,
  type ExecResult,
  type Launched,
  type LaunchSpec,
  type Runtime,
  STATE_DIR,
} from "./runtime.ts";
import { withTimeout } from "./with-timeout.ts";

/** The image `containers/build-images.sh` builds; override with ROOTLOAD_IMAGE. */
export const DEFAULT_IMAGE = "rootload/servers:bookworm";
export const LABEL = "rootload";
const ENGINE_TIMEOUT_MS = 15_000;
const BUILD_HINT = "build it with `npm run images` (containers/build-images.sh, no registry needed)";

// testcontainers' reaper (ryuk) and its gateway probe both pull images; no registry is reachable.
process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";

/** Lifetime timers of containers of users' images, by container id (cleared when the server stops). */
const lifetimeTimers = new Map<string, NodeJS.Timeout>();

/** A kept container's main process: say so, then wait (under `timeout`, for its lifetime cap). */
const KEEPER_READY = /rootload container ready/;
const KEEPER_ARGV = ["sh", "-c", 'echo "rootload container ready"; exec sleep infinity'];

/** Never pull: the image was checked to exist locally before any container starts. */
const NEVER_PULL = { shouldPull: () => false };

/**
 * Resource limits of every server container: 1 GiB of memory and 512 processes/threads (Apache's
 * 4 × 8 worker threads and a JVM's ~40 threads fit many times over; a fork bomb does not).
 */
export const CONTAINER_LIMITS = { memoryBytes: 1024 * 1024 * 1024, pids: 512 } as const;

/** What the engine did with the limits: a memory limit is silently ignored without the cgroup memory controller. */
export interface ContainerLimits {
  memoryBytes: number;
  pids: number;
  /** False when the container saw no memory limit (cgroup memory controller not delegated). */
  memoryEnforced?: boolean;
  pidsEnforced?: boolean;
}

/**
 * GenericContainer with the HostConfig fields testcontainers 12.0 has no builder call for
 * (PidsLimit, Memory, MemorySwap), set on the create options it passes to the docker client.
 */
class HardenedContainer extends GenericContainer {
  withHostLimits(limits: { memoryBytes: number; pids: number }): this {
    this.hostConfig.Memory = limits.memoryBytes;
    // Same as Memory: no swap on top of the limit.
    this.hostConfig.MemorySwap = limits.memoryBytes;
    this.hostConfig.PidsLimit = limits.pids;
    return this;
  }

  /** The engine's init (docker-init, shipped with the engine) as PID 1: it reaps orphaned processes. */
  withInitProcess(): this {
    this.hostConfig.Init = true;
    return this;
  }

  /**
   * testcontainers 12 has withSecurityOpt, but it needs undici 8 (Node ≥ 22.19); rootload stays on
   * 11.9 (undici 7) so an installed package runs on Node 20, where the repository's `overrides`
   * (applied only to a root project, never to an installed one) no longer reach.
   */
  withSecurityOptions(...options: string[]): this {
    this.hostConfig.SecurityOpt = [...(this.hostConfig.SecurityOpt ?? []), ...options];
    return this;
  }
}

/** `uid:gid` of this process, the user servers run as in their containers. */
function invokingUser(): { uid: number; gid: number } {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

class ContainerProcess implements Launched {
  constructor(
    private readonly container: StartedTestContainer,
    private readonly buf: LogBuffer,
    private readonly relay: HostRelay | undefined,
    private readonly name: string,
    private readonly onStop: () => void,
    /** The directory to copy in again on syncFiles(), on an engine that cannot bind-mount it. */
    private readonly copiedDir: string | undefined,
    /** The server is the container's main process (a user's image, not wrapped in `timeout`). */
    serverIsMain: boolean,
  ) {
    if (serverIsMain) this.signalMain = (signal) => this.#signal(signal);
  }

  signalMain?: (signal: NodeJS.Signals) => Promise<void>;

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const client = await getContainerRuntimeClient();
    await withTimeout(
      client.container.dockerode.getContainer(this.container.getId()).kill({ signal }),
      ENGINE_TIMEOUT_MS,
      `${this.name}: ${signal} through the engine`,
    );
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
      `${this.name} (container ${this.container.getId().slice(0, 12)})`,
    );
  }
  async syncFiles(): Promise<void> {
    if (this.copiedDir)
      await withTimeout(
        this.container.copyDirectoriesToContainer([{ source: this.copiedDir, target: this.copiedDir }]),
        ENGINE_TIMEOUT_MS,
        `${this.name}: copying ${this.copiedDir} into the container`,
      );
  }
  async exec(argv: readonly string[], timeoutMs = 10_000): Promise<ExecResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new EngineError(`${this.name}: exec "${argv.join(" ")}" did not finish after ${timeoutMs}ms`),
          ),
        timeoutMs,
      );
    });
    try {
      const r = await Promise.race([this.container.exec([...argv]), timeout]);
      return { exitCode: r.exitCode, output: r.output };
    } finally {
      clearTimeout(timer);
    }
  }
  async isRunning(): Promise<boolean> {
    try {
      const client = await getContainerRuntimeClient();
      const info = await withTimeout(
        client.container.getById(this.container.getId()).inspect(),
        ENGINE_TIMEOUT_MS,
        "container inspect",
      );
      return info.State.Running;
    } catch {
      return false;
    }
  }
  async stop(): Promise<void> {
    await this.relay?.close();
    try {
      await this.container.stop({ timeout: 2_000, remove: true });
    } catch (err) {
      log.debug({ err }, "container already gone");
    }
    this.onStop();
  }
}

/**
 * Servers in containers of the locally built image, host networking, bound to the engine's
 * address: 127.0.0.1 for a local engine; for a remote one (DOCKER_HOST=tcp://HOST:PORT) HOST,
 * with ports chosen there and files copied in through the archive API instead of bind mounts.
 * Every container carries `rootload=1`, `rootload.run=<runId>` and the owning process; the
 * runtime removes its own containers on close, exit and SIGINT/SIGTERM, and on creation
 * removes containers whose owning harness process is gone (a run killed with SIGKILL).
 */
export class ContainerRuntime implements Runtime {
  readonly kind = "container" as const;
  readonly runId = randomUUID().slice(0, 8);
  readonly host: string;
  readonly #ports = new Set<number>();
  readonly #ids = new Set<string>();
  readonly #dirs = new Set<string>();
  /** Container id → the file holding its cgroup's CPU time (containers whose cgroup is visible here). */
  readonly #cpuFiles = new Map<string, string>();
  #started = 0;
  #unhook: () => void = () => {};
  #limits: ContainerLimits = { ...CONTAINER_LIMITS };
  #limitsChecked = false;

  /** The limits every container gets, and (after the first launch) whether the engine enforces them. */
  limits(): ContainerLimits {
    return { ...this.#limits };
  }

  private constructor(
    private readonly client: ContainerRuntimeClient,
    readonly image: string,
    readonly labels: Record<string, string>,
    readonly engine: EngineEndpoint,
  ) {
    this.host = engine.host;
  }

  /** Connect to the engine, check the image, remove orphans. Throws EngineError if any fails. */
  static async create(image = process.env.ROOTLOAD_IMAGE ?? DEFAULT_IMAGE): Promise<ContainerRuntime> {
    let engine: EngineEndpoint;
    try {
      engine = engineEndpoint();
    } catch (err) {
      throw new EngineError(messageOf(err));
    }
    let client: ContainerRuntimeClient;
    try {
      client = await withTimeout(getContainerRuntimeClient(), ENGINE_TIMEOUT_MS, "container engine");
    } catch (err) {
      throw new EngineError(
        `container engine not reachable: ${messageOf(err)} (run containers/setup-engine.sh as root)`,
      );
    }
    const labels = await imageLabels(client, image);
    const rt = new ContainerRuntime(client, image, labels, engine);
    await rt.removeOrphans();
    reapOrphanTempDirs();
    rt.#unhook = onExit({ closeSync: () => rt.#closeSync(), close: () => rt.close() });
    return rt;
  }

  /** Remove rootload containers whose owning process has gone or whose lifetime is over. */
  async removeOrphans(): Promise<number> {
    const docker = this.client.container.dockerode;
    const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL}=1`] } });
    const host = hostname();
    let n = 0;
    for (const c of list) {
      const l = c.Labels;
      const owner = Number(l["rootload.owner-pid"]);
      const expired = Number(l["rootload.expires"]) < Date.now() / 1000;
      // Another host's harness may share this engine: its containers go only when expired. The
      // owner's start time tells a live owner from a later process that reused its pid.
      const orphan = l["rootload.owner-host"] === host && !ownerAlive(owner, l["rootload.owner-start"]);
      if ((orphan || expired) && l["rootload.run"] !== this.runId) {
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {});
        n++;
      }
    }
    if (n) log.info({ containers: n }, "removed rootload containers left by a killed run");
    return n;
  }

  freePort(): Promise<number> {
    return this.engine.kind === "local" ? freePort() : freeRemotePort(this.host, this.#ports);
  }

  async makeDir(name: string): Promise<string> {
    const dir = makeOwnedTempDir(name);
    this.#dirs.add(dir);
    return dir;
  }

  /** Binaries in the image are known from its package labels. */
  async hasBinary(binary: string, pkg?: string): Promise<Availability> {
    const v = pkg ? this.labels[`rootload.versions.${pkg}`] : undefined;
    if (pkg && (!v || v === "missing"))
      return {
        ok: false,
        reason: `${this.image} has no ${pkg} package (${binary}); rebuild: npm run images`,
      };
    return { ok: true };
  }

  async canIsolate(): Promise<Availability> {
    // The relay's Unix socket lives in a directory both sides see; a remote engine has no such directory.
    if (this.engine.kind === "remote")
      return { ok: false, reason: `no isolated network on a remote engine (${this.engine.url})` };
    return { ok: true };
  }

  nodeBinary(): string {
    return "node";
  }

  async packageVersions(packages: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of packages) {
      const v = this.labels[`rootload.versions.${p}`];
      if (v && v !== "missing") out[p] = v;
    }
    return out;
  }

  /** Whether a user's image is present locally (never pulled). */
  async hasImage(image: string): Promise<boolean> {
    return withTimeout(
      this.client.image.exists(ImageName.fromString(image)),
      ENGINE_TIMEOUT_MS,
      "image check",
    );
  }

  /**
   * Start a server. In rootload's image the container is kept for the server's series: it only
   * waits, and the server is started in it (KeptContainer), so a restart replaces the process,
   * not the container. A user's image may have no shell or `timeout`: its server is the
   * container's main process, and a restart is a new container.
   */
  async launch(spec: LaunchSpec): Promise<Launched> {
    const image = spec.image ?? this.image;
    await this.#checkImage(spec, image);
    if (spec.image) return this.#launchAsMain(spec, image);
    const keeper = await this.#startKeeper(spec);
    try {
      return await keeper.run(spec);
    } catch (err) {
      await keeper.remove();
      throw err;
    }
  }

  /** How many containers this runtime has started (a kept container counts once for its whole series). */
  get containersStarted(): number {
    return this.#started;
  }

  /** A container of rootload's image that waits for servers to be started in it. */
  async #startKeeper(spec: LaunchSpec): Promise<KeptContainer> {
    const launchId = randomUUID();
    const lifetime = serverLifetimeSeconds();
    const container = this.#container(spec, this.image, KEEPER_ARGV, new LogBuffer(), launchId, lifetime, {
      ready: KEEPER_READY,
    });
    let started: StartedTestContainer;
    try {
      this.#started++;
      started = await container.start();
    } catch (err) {
      await this.#removeWhere(`rootload.launch=${launchId}`);
      throw new EngineError(`${spec.name}: container did not start: ${messageOf(err)}`);
    }
    const id = started.getId();
    this.#ids.add(id);
    await this.#watch(id, started);
    return new KeptContainer(started, this.client.container.dockerode, containerShape(spec), lifetime, {
      launch: (s) => this.launch(s),
      remove: async (gone) => {
        try {
          await withTimeout(
            this.client.container.dockerode.getContainer(gone).remove({ force: true }),
            ENGINE_TIMEOUT_MS,
            `${spec.name}: removing its container`,
          );
        } catch (err) {
          log.debug({ err: messageOf(err) }, "container already gone");
        }
        this.#ids.delete(gone);
        this.#cpuFiles.delete(gone);
      },
      nodeBinary: () => this.nodeBinary(),
      copiesFiles: this.engine.kind === "remote",
    });
  }

  /** A user's image: the server is the container's main process, one container per start. */
  async #launchAsMain(spec: LaunchSpec, image: string): Promise<Launched> {
    const buf = new LogBuffer();
    let argv = [...spec.argv];
    let relay: HostRelay | undefined;
    if (spec.isolated) {
      // No network at all: the server's only way out is the Unix socket in the shared directory.
      ({ argv, relay } = await isolateBehindRelay({ ...spec, isolated: spec.isolated }, this.nodeBinary()));
    }
    const launchId = randomUUID();
    const lifetime = serverLifetimeSeconds();
    const container = this.#container(spec, image, argv, buf, launchId, lifetime);
    let started: StartedTestContainer;
    try {
      this.#started++;
      started = await container.start();
    } catch (err) {
      await relay?.close();
      await this.#removeWhere(`rootload.launch=${launchId}`);
      throw new EngineError(`${spec.name}: container did not become ready: ${messageOf(err)}\n${buf.tail()}`);
    }
    const id = started.getId();
    this.#ids.add(id);
    if (spec.image) this.#capLifetime(id, spec, launchId, lifetime);
    await this.#watch(id, started);
    const remote = this.engine.kind === "remote";
    return new ContainerProcess(
      started,
      buf,
      relay,
      spec.name,
      () => {
        this.#ids.delete(id);
        clearTimeout(lifetimeTimers.get(id));
        lifetimeTimers.delete(id);
        this.#cpuFiles.delete(id);
      },
      remote ? spec.dir : undefined,
      spec.image !== undefined,
    );
  }

  /**
   * The image must be here: checked again per container, since with NEVER_PULL a vanished image
   * would otherwise surface as a bare engine error. The user's own image missing is their input;
   * rootload's is the engine's.
   */
  async #checkImage(spec: LaunchSpec, image: string): Promise<void> {
    if (!(await this.client.image.exists(ImageName.fromString(image))))
      throw spec.image
        ? new InputError(`${spec.name}.image`, `"${image}" is not present locally (rootload never pulls)`)
        : new EngineError(`${spec.name}: image ${image} not found locally; ${BUILD_HINT}`);
    if (spec.image && spec.isolated)
      throw new EngineError(
        `${spec.name}: a user's image cannot run behind the isolation relay (it needs node)`,
      );
  }

  /** The hardened, labelled container for `spec`, not yet started. */
  #container(
    spec: LaunchSpec,
    image: string,
    argv: string[],
    buf: LogBuffer,
    launchId: string,
    lifetime: number,
    keeper?: { ready: RegExp },
  ): HardenedContainer {
    const ready = keeper
      ? Wait.forLogMessage(keeper.ready)
      : spec.isolated
        ? Wait.forAll([Wait.forLogMessage(spec.ready.log), Wait.forLogMessage(RELAY_READY)])
        : Wait.forLogMessage(spec.ready.log);
    const { uid, gid } = invokingUser();
    // The invoking user's uid, so the server reads its 0600 files without CAP_DAC_OVERRIDE; as
    // root it keeps only the capabilities its driver names (nginx and Apache switch users).
    const caps = uid === 0 ? [...(spec.rootCapabilities ?? [])] : [];
    // The user a server switches to must enter the mounted folder and its state/ (the mount points).
    if (spec.dropsTo && uid === 0) openForSearch([spec.dir, join(spec.dir, STATE_DIR)]);
    const container = new HardenedContainer(image)
      .withHostLimits(CONTAINER_LIMITS)
      .withUser(`${uid}:${gid}`)
      .withDroppedCapabilities("ALL")
      .withAddedCapabilities(...caps)
      .withSecurityOptions("no-new-privileges")
      .withPullPolicy(NEVER_PULL)
      .withNetworkMode(spec.isolated ? "none" : "host")
      .withLabels(this.#labels(spec, launchId, lifetime))
      .withWorkingDir(spec.dir)
      .withLogConsumer((stream: Readable) => {
        stream.on("data", (d: Buffer | string) => buf.append(d));
        stream.on("end", () => buf.close());
      })
      .withWaitStrategy(ready)
      .withStartupTimeout(keeper ? ENGINE_TIMEOUT_MS * 2 : spec.ready.timeoutMs);
    // A kept container outlives its servers: the engine's init reaps what their workers leave.
    if (keeper) container.withInitProcess();
    // rootload's image caps the server's life with coreutils `timeout` inside. A user's image may
    // have none: its own entrypoint is replaced by the server's binary, and the cap is applied from
    // outside (#capLifetime, and by the next run's removeOrphans() through the `rootload.expires` label).
    if (spec.image) container.withEntrypoint([argv[0]!]).withCommand(argv.slice(1));
    else container.withCommand(withLifetimeCap(argv, lifetime));
    if (this.engine.kind === "remote")
      container.withCopyDirectoriesToContainer([{ source: spec.dir, target: spec.dir }]);
    // Inputs (configs, certificates, keys) read-only; the server writes only into state/.
    else
      container.withBindMounts([
        { source: spec.dir, target: spec.dir, mode: "ro" },
        { source: join(spec.dir, STATE_DIR), target: join(spec.dir, STATE_DIR), mode: "rw" },
      ]);
    return container;
  }

  /** Who started the container and until when it may live: what the orphan reaper reads. */
  #labels(spec: LaunchSpec, launchId: string, lifetime: number): Record<string, string> {
    return {
      [LABEL]: "1",
      "rootload.run": this.runId,
      "rootload.launch": launchId,
      "rootload.driver": spec.name,
      "rootload.owner-pid": `${process.pid}`,
      "rootload.owner-start": selfOwner().start,
      "rootload.owner-host": hostname(),
      "rootload.expires": `${Math.ceil(Date.now() / 1000 + lifetime + 30)}`,
      ...(spec.image ? { "rootload.user-image": spec.image } : {}),
    };
  }

  /** A user's image has no `timeout` inside: remove its container from here when its life is over. */
  #capLifetime(id: string, spec: LaunchSpec, launchId: string, lifetime: number): void {
    const cap = setTimeout(() => {
      log.warn(
        { server: spec.name, image: spec.image, seconds: lifetime },
        "server lifetime over: removing its container",
      );
      void this.#removeWhere(`rootload.launch=${launchId}`);
    }, lifetime * 1000);
    cap.unref();
    lifetimeTimers.set(id, cap);
  }

  /** Where its CPU time is read; on the first container, whether the engine enforces the limits. */
  async #watch(id: string, started: StartedTestContainer): Promise<void> {
    const cpuFile = await this.#cgroupCpuFile(id);
    if (cpuFile) this.#cpuFiles.set(id, cpuFile);
    if (this.#limitsChecked) return;
    this.#limitsChecked = true;
    this.#limits = { ...CONTAINER_LIMITS, ...(await enforcedLimits(started)) };
    if (this.#limits.memoryEnforced === false)
      log.warn(
        { memoryBytes: CONTAINER_LIMITS.memoryBytes },
        "the engine ignored the containers' memory limit (cgroup memory controller not delegated)",
      );
  }

  /** CPU load of each running container of this runtime (sampling windows wait for them to go quiet). */
  cpuTimes(): CpuSnapshot {
    const snap = emptySnapshot();
    for (const [id, file] of this.#cpuFiles) addCgroup(snap, `cg:${id}`, file);
    return snap;
  }

  /** Where the container's CPU time is read: its init's cgroup, when that process is visible from here. */
  async #cgroupCpuFile(id: string): Promise<string | undefined> {
    try {
      const info = await withTimeout(
        this.client.container.getById(id).inspect(),
        ENGINE_TIMEOUT_MS,
        "container inspect",
      );
      return info.State.Pid ? cgroupCpuFile(info.State.Pid, id) : undefined;
    } catch {
      return undefined;
    }
  }

  async #removeWhere(label: string): Promise<void> {
    const docker = this.client.container.dockerode;
    const list = await docker.listContainers({ all: true, filters: { label: [label] } });
    await Promise.allSettled(list.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }

  async close(): Promise<void> {
    await this.#removeWhere(`rootload.run=${this.runId}`).catch((err) =>
      log.warn({ err }, "could not remove this run's containers"),
    );
    this.#ids.clear();
    this.#cpuFiles.clear();
    await Promise.allSettled([...this.#dirs].map((d) => rm(d, { recursive: true, force: true })));
    this.#dirs.clear();
    this.#unhook();
  }

  /** `await using runtime = …`: closed when the scope ends, however it ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** At exit nothing async runs: ask the docker CLI, best effort; the next run reaps the rest. */
  #closeSync(): void {
    if (this.#ids.size) {
      try {
        execFileSync("docker", ["rm", "-f", ...this.#ids], { stdio: "ignore", timeout: 10_000 });
      } catch {
        // The next run's removeOrphans() covers this.
      }
    }
    for (const d of this.#dirs) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * Read the limits the container really got from its own cgroup (v2, then v1): Docker accepts a
 * memory limit and silently drops it when the memory controller is not delegated.
 */
async function enforcedLimits(c: StartedTestContainer): Promise<Partial<ContainerLimits>> {
  const read = async (files: string[]): Promise<string | undefined> => {
    for (const f of files) {
      const r = await withTimeout(c.exec(["cat", f]), ENGINE_TIMEOUT_MS, "cgroup read").catch(
        () => undefined,
      );
      if (r && r.exitCode === 0) return r.output.trim();
    }
    return undefined;
  };
  const limited = (v: string | undefined, max: number) =>
    v === undefined ? undefined : v !== "max" && Number(v) > 0 && Number(v) <= max;
  return {
    ...opt(
      "memoryEnforced",
      limited(
        await read(["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]),
        CONTAINER_LIMITS.memoryBytes,
      ),
    ),
    ...opt(
      "pidsEnforced",
      limited(await read(["/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/pids/pids.max"]), CONTAINER_LIMITS.pids),
    ),
  };
}

function opt<K extends string>(key: K, v: boolean | undefined): Partial<Record<K, boolean>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, boolean>);
}

async function imageLabels(client: ContainerRuntimeClient, image: string): Promise<Record<string, string>> {
  const name = ImageName.fromString(image);
  if (!(await client.image.exists(name)))
    throw new EngineError(`image ${image} not found locally; ${BUILD_HINT}`);
  const info = await client.image.inspect(name);
  return (info.Config?.Labels ?? {}) as Record<string, string>;
}

/** True when the engine answers and the image exists, without throwing. */
export async function containerEngineReady(
  image = process.env.ROOTLOAD_IMAGE ?? DEFAULT_IMAGE,
): Promise<Availability> {
  try {
    const client = await withTimeout(getContainerRuntimeClient(), ENGINE_TIMEOUT_MS, "container engine");
    if (!(await client.image.exists(ImageName.fromString(image))))
      return { ok: false, reason: `image ${image} not found locally; ${BUILD_HINT}` };
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `container engine not reachable: ${messageOf(err)}` };
  }
}
