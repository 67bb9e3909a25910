/**
 * Do a parallel run's latency figures agree with a `--jobs 1` run's? Measured against the noise
 * of the serial run itself: the bench runs serial A, then parallel P, then serial B, and compares
 * per case (p50, ms) in log space, so a ratio and its inverse weigh the same.
 *
 * - noise floor: median over cases of ln(B/A) — how far two identical serial runs disagree. It is
 *   the drift of the machine between runs (other load coming and going) plus what the median of a
 *   few hundred small samples cannot resolve; nothing in the schedule differs between A and B.
 * - agreement: median over cases of ln(P) − (ln A + ln B)/2. A and B bracket P in time, so a
 *   drift that is steady across the three runs cancels in the mean of A and B.
 * - tolerance: |noise floor| (a drift that is not steady can put P anywhere between A and B, and
 *   A and B are that far apart) + 3 standard errors of the agreement's median (per-case spread
 *   from the A/B differences: σ of one run = 1.4826·MAD/√2, of P − mean(A,B) = σ·√1.5, standard
 *   error of a median = 1.2533·σ/√n), and at least 2 %: no tighter than the figures' rounding and
 *   timer resolution at 1–5 ms handshakes.
 * - verdict: "agree" when |agreement| ≤ tolerance; "disagree" when not; "inconclusive" when the
 *   tolerance itself is above 15 % — the machine moved too much between runs to tell.
 */
export interface AgreementInput {
  /** Case id → p50 ms, for each run. */
  serialA: ReadonlyMap<string, number>;
  parallel: ReadonlyMap<string, number>;
  serialB: ReadonlyMap<string, number>;
}

export interface Agreement {
  /** Cases with a p50 in all three runs. */
  cases: number;
  /** exp(median ln(P / mean(A,B))): 1 = the schedule changes nothing. */
  ratio: number;
  /** exp(median ln(B / A)): 1 = the serial run repeats exactly. */
  noiseFloorRatio: number;
  /** Half-width of the accepted band around 1, as a fraction (0.05 = ±5 %, in log space). */
  tolerance: number;
  /** Cases whose own P / mean(A,B) lies within the band. */
  casesWithin: number;
  /** Cases whose own B / A lies within the band. */
  serialCasesWithin: number;
  verdict: "agree" | "disagree" | "inconclusive";
}

const MIN_TOLERANCE = 0.02;
const MAX_CONCLUSIVE_TOLERANCE = 0.15;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN;
}

/** Compare the three runs' p50s (see the module comment for the definitions and why). */
export function latencyAgreement(input: AgreementInput): Agreement {
  const noise: number[] = [];
  const diff: number[] = [];
  for (const [id, p] of input.parallel) {
    const a = input.serialA.get(id);
    const b = input.serialB.get(id);
    if (!a || !b || !(p > 0)) continue;
    noise.push(Math.log(b / a));
    diff.push(Math.log(p) - (Math.log(a) + Math.log(b)) / 2);
  }
  const n = diff.length;
  const floor = median(noise);
  const mad = median(noise.map((x) => Math.abs(x - floor)));
  const sigmaRun = (1.4826 * mad) / Math.SQRT2;
  const standardError = (1.2533 * sigmaRun * Math.sqrt(1.5)) / Math.sqrt(Math.max(1, n));
  const tolLog = Math.max(Math.log1p(MIN_TOLERANCE), Math.abs(floor) + 3 * standardError);
  const agreementLog = median(diff);
  const verdict =
    n === 0 || tolLog > Math.log1p(MAX_CONCLUSIVE_TOLERANCE)
      ? "inconclusive"
      : Math.abs(agreementLog) <= tolLog
        ? "agree"
        : "disagree";
  return {
    cases: n,
    ratio: Math.exp(agreementLog),
    noiseFloorRatio: Math.exp(floor),
    tolerance: Math.expm1(tolLog),
    casesWithin: diff.filter((d) => Math.abs(d) <= tolLog).length,
    serialCasesWithin: noise.filter((d) => Math.abs(d) <= tolLog).length,
    verdict,
  };
}
