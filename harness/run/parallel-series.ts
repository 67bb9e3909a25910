import { availableParallelism } from "node:os";

/**
 * How many server instances run at once when neither `--jobs` nor the scenario says. A series
 * mostly waits (on a reload, a container start, a peer's TLS), so twice the cores keeps them
 * busy; latency samples are taken alone anyway (see ReadWriteLock).
 */
export function defaultJobs(cores = availableParallelism()): number {
  return Math.max(2, 2 * cores);
}

/**
 * Run `work` over `items` with at most `jobs` in flight, biggest first (by `size`) so the longest
 * series does not start last and set the wall time. Every item is attempted; the first error is
 * thrown once all have settled, so no series is left running behind a failure.
 */
export async function runConcurrently<T>(
  items: readonly T[],
  jobs: number,
  size: (item: T) => number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items].sort((a, b) => size(b) - size(a));
  const errors: unknown[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await work(item);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
}
