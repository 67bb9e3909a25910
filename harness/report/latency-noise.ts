import type { Latency } from "../model/case-result.ts";

/**
 * How far a case's p50 can move between two runs by chance, judged from what the runs show. On a
 * shared 2-core machine a handshake's median moves several-fold between runs of the same list
 * (node +592 % once), so a change is a regression only when it stands out from:
 *
 * - the case's own spread and samples: each run's p50 has a standard error of about
 *   1.2533·σ/√n (the median of n samples), with σ read from its spread, (p99 − p50)/2.326 as for
 *   a normal distribution, which understates the long tail handshake times have; a change within
 *   3 standard errors of the difference is noise;
 * - the other cases of the same client in the same comparison: noise moves medians both ways, so
 *   the moves the other way (the root mean square of ln(after/before) over that client's cases
 *   that got faster, for a slowdown) measure it, and a move within 3 times that is noise too. A
 *   real change that moves every case one way has no such counterpart.
 */

/** Standard errors of the difference a change must exceed. */
export const NOISE_Z = 3;
/** z of the 99th percentile of a normal distribution. */
const Z99 = 2.326;
/** Asymptotic ratio of the median's standard error to the mean's (√(π/2)). */
const MEDIAN_SE_FACTOR = 1.2533;

/** The standard error of a run's p50, ms, from its spread and sample count. */
export function p50StandardError(l: Latency): number {
  const sigma = Math.max(0, l.p99Ms - l.p50Ms) / Z99;
  return (MEDIAN_SE_FACTOR * sigma) / Math.sqrt(Math.max(1, l.samples));
}

/** What a latency change is, against the noise. */
export type NoiseVerdict = { within: false } | { within: true; why: string };

const clockOf = (l: Latency) => l.clock ?? "wall";
const CLOCK_TEXT = {
  wall: "the time around the client's call",
  handshake: "the client's handshake time",
  process: "time from the client's process start",
} as const;

/**
 * Judge one case's p50 change. `opposite` is how far the same client's cases moved the other way
 * in this comparison: the root mean square of their |ln(after/before)| (0 when none did).
 */
export function latencyNoise(before: Latency, after: Latency, opposite: number): NoiseVerdict {
  if (clockOf(before) !== clockOf(after))
    return {
      within: true,
      why: `not comparable: before is ${CLOCK_TEXT[clockOf(before)]}, after ${CLOCK_TEXT[clockOf(after)]}`,
    };
  const delta = after.p50Ms - before.p50Ms;
  const se = Math.hypot(p50StandardError(before), p50StandardError(after));
  if (Math.abs(delta) <= NOISE_Z * se)
    return {
      within: true,
      why: `within noise: ${fmt(Math.abs(delta))} ms ≤ ${NOISE_Z} × ${fmt(se)} ms, the standard error the runs' spreads and samples give (${before.samples} and ${after.samples} handshakes)`,
    };
  const ratio = Math.abs(Math.log(after.p50Ms / before.p50Ms));
  if (ratio <= NOISE_Z * opposite)
    return {
      within: true,
      why: `within noise: the same client's cases moved ${delta > 0 ? "faster" : "slower"} by ×${fmt(Math.exp(opposite))} (root mean square) elsewhere in these runs, and this is within ${NOISE_Z} times that`,
    };
  return { within: false };
}

function fmt(n: number): string {
  return n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
