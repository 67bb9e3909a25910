/**
 * The one rule for a test whose server, client, engine or privilege is missing: on a developer
 * machine it is skipped and says why; in CI (`CI=true`, which .ci/run exports) it fails, because
 * CI provisions everything (containers/setup-host.sh, the server image) and a skip there would pass
 * in silence.
 */
export function inCi(): boolean {
  return process.env.CI === "true";
}

/**
 * `reason` undefined: `what` is here, nothing to do (returns undefined). Otherwise, in CI: throws,
 * naming what is missing and why; elsewhere: returns the reason to skip with ("what: reason").
 * For hooks that remember the reason for the tests that follow (`if (missing) ctx.skip(missing)`).
 */
export function missingHere(what: string, reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  if (inCi()) throw new Error(`${what} is missing in CI (CI=true): ${reason}`);
  return `${what}: ${reason}`;
}

/** In a test: skip it with the reason when `what` is missing here; fail in CI. */
export function requireHere(
  ctx: { skip(note?: string): void },
  what: string,
  reason: string | undefined,
): void {
  const why = missingHere(what, reason);
  if (why !== undefined) ctx.skip(why);
}

/**
 * For `describe.skipIf` / `it.skipIf`, decided while the file is collected: true (skip) only
 * outside CI, and then the reason is printed, since vitest shows none for a skipIf. In CI it is
 * false: the suite runs and must itself fail on what is missing (`missingHere` in its first hook).
 */
export function skipHere(what: string, reason: string | undefined): boolean {
  if (reason === undefined || inCi()) return false;
  console.warn(`skipped (missing here, would fail in CI): ${what}: ${reason}`);
  return true;
}
