/** Where a run's wall time went, ms (summed over servers; the parts of `totalMs`). */
export interface RunPhases {
  /** Loading and growing the root lists, making the test PKI. */
  roots: number;
  /** Finding the engine and checking the image (or choosing local processes). */
  runtime: number;
  start: number;
  reload: number;
  probe: number;
  /** The classified client handshake of each case. */
  handshake: number;
  /** Latency sampling (tinybench) of the cases that succeeded. */
  latency: number;
  /** Waiting, inside a sampling window, for the run's processes and containers to go quiet. */
  settle: number;
  totalMs: number;
}

export type Phase = Exclude<keyof RunPhases, "totalMs">;

/** A zeroed phase record; each run (or each parallel worker) owns its own. */
export function newPhases(): RunPhases {
  return {
    roots: 0,
    runtime: 0,
    start: 0,
    reload: 0,
    probe: 0,
    handshake: 0,
    latency: 0,
    settle: 0,
    totalMs: 0,
  };
}

/** Run `work` and add its wall time to `phases[phase]`, whether it succeeds or throws. */
export function timed<T>(phases: RunPhases, phase: Phase, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  return work().finally(() => {
    phases[phase] += performance.now() - t0;
  });
}
