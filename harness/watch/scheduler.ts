import { log } from "../log.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { WatchPlan, WatchTarget } from "./load-targets.ts";
import { type Observation, observe } from "./observe.ts";
import { anyChange, type Changes, describeChanges, type WatchState } from "./watch-state.ts";

interface Job {
  key: string;
  target: WatchTarget;
  tls: TlsVersion;
  /** When it is next due (ms since the epoch). */
  due: number;
  running: boolean;
}

/**
 * Past the probe's own timeout (which it keeps: every wait in it is bounded), how long a job may
 * hold its slot before the scheduler gives up on it and records a timeout. A guard against a bug,
 * not a bound the probe relies on.
 */
export const DEADLINE_GRACE_MS = 2_000;

/** What a job may take at most: the probe, plus the stranger's handshake for `expect: "refused"`. */
export function jobBudgetMs(t: WatchTarget): number {
  return t.timeoutMs * (t.expect === "refused" ? 2 : 1) + DEADLINE_GRACE_MS;
}

/**
 * Runs every target on every TLS version on its interval, at most `plan.concurrency` probes at a
 * time, earliest due first. A dead or hostile target holds one slot for at most its budget; the
 * other slots keep probing.
 */
export class Scheduler {
  #plan: WatchPlan;
  #jobs: Job[] = [];
  #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  readonly #state: WatchState;
  readonly #onChanges: (c: Changes) => void;

  constructor(plan: WatchPlan, state: WatchState, onChanges: (c: Changes) => void = logChanges) {
    this.#plan = plan;
    this.#state = state;
    this.#onChanges = onChanges;
    this.#jobs = this.#jobsFor(plan, new Map());
  }

  get plan(): WatchPlan {
    return this.#plan;
  }

  #jobsFor(plan: WatchPlan, old: Map<string, Job>): Job[] {
    const now = Date.now();
    return plan.targets.flatMap((target) =>
      target.tls.map((tls) => {
        const key = `${target.name}\u0000${tls}`;
        const was = old.get(key);
        // A target that stays keeps its place in time; a changed interval counts from its last start.
        return {
          key,
          target,
          tls,
          due: was ? Math.min(was.due, now + target.intervalMs) : now,
          running: was?.running ?? false,
        };
      }),
    );
  }

  /** Start probing; the first round is due at once. */
  start(): void {
    this.#stopped = false;
    this.#pump();
  }

  /** Swap the targets (SIGHUP): targets that stay keep their counters and schedule. */
  replace(plan: WatchPlan): void {
    this.#jobs = this.#jobsFor(plan, new Map(this.#jobs.map((j) => [j.key, j])));
    this.#plan = plan;
    this.#state.retain(plan);
    if (!this.#stopped) this.#pump();
  }

  /** Probe every target on every version once (`--once`), within the concurrency limit. */
  async runOnce(): Promise<void> {
    const queue = [...this.#jobs];
    const worker = async () => {
      for (let j = queue.shift(); j; j = queue.shift()) await this.#run(j);
    };
    await Promise.all(Array.from({ length: Math.min(this.#plan.concurrency, queue.length) }, worker));
  }

  /** Stop scheduling and wait for the probes in flight (each bounded by its budget). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.all(this.#inFlight);
  }

  #pump(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const now = Date.now();
    const waiting = this.#jobs.filter((j) => !j.running).sort((a, b) => a.due - b.due);
    for (const j of waiting) {
      if (this.#inFlight.size >= this.#plan.concurrency || j.due > now) break;
      const p = this.#run(j).finally(() => {
        this.#inFlight.delete(p);
        this.#pump();
      });
      this.#inFlight.add(p);
    }
    const next = this.#jobs
      .filter((j) => !j.running)
      .reduce((m, j) => Math.min(m, j.due), Number.POSITIVE_INFINITY);
    if (Number.isFinite(next) && this.#inFlight.size < this.#plan.concurrency)
      this.#timer = setTimeout(() => this.#pump(), Math.max(0, next - Date.now()));
  }

  async #run(job: Job): Promise<void> {
    job.running = true;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const budget = jobBudgetMs(job.target);
    const deadline = new Promise<Observation>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            target: job.target.name,
            tls: job.tls,
            at: started,
            durationMs: Date.now() - started,
            outcome: { class: "timeout", detail: `the probe did not end within ${budget} ms` },
            success: false,
            issuers: [],
            clients: [],
          }),
        budget,
      );
    });
    let o: Observation;
    try {
      o = await Promise.race([observe(job.target, job.tls), deadline]);
    } catch (err) {
      // observe() does not throw; if it ever does, one target's bug must not stop the others.
      log.error({ err, target: job.target.name, tls: job.tls }, "watch probe failed");
      o = {
        target: job.target.name,
        tls: job.tls,
        at: started,
        durationMs: Date.now() - started,
        outcome: { class: "malformed", detail: `internal error: ${(err as Error).message}` },
        success: false,
        issuers: [],
        clients: [],
      };
    } finally {
      clearTimeout(timer);
    }
    // After a reload the job may have been replaced (same key) or removed: its result belongs to nothing then.
    const current = this.#jobs.find((j) => j.key === job.key);
    job.running = false;
    if (!current) return;
    current.running = false;
    current.due = Math.max(started + current.target.intervalMs, Date.now());
    const changes = this.#state.record(o);
    if (anyChange(changes)) this.#onChanges(changes);
  }
}

/** One log line per probe that changed something, naming what. */
export function logChanges(c: Changes): void {
  const text = describeChanges(c);
  const fields = {
    target: c.target,
    tls: c.tls,
    ...(c.list
      ? {
          added: c.list.added.length,
          removed: c.list.removed.length,
          reordered: c.list.reordered,
          names: c.list.after.names,
          bytes: c.list.after.bytes,
          fingerprint: c.list.after.fingerprint,
          // Bounded: a list of 500 names changing whole is summed up, not printed.
          addedNames: c.list.added.slice(0, 10),
          removedNames: c.list.removed.slice(0, 10),
        }
      : {}),
    ...(c.outcome ? { outcome: c.outcome } : {}),
    ...(c.issuers.length ? { issuers: c.issuers } : {}),
    ...(c.clients.length ? { clients: c.clients } : {}),
  };
  log.info(fields, `${c.target} TLS ${c.tls}: ${text}`);
}
