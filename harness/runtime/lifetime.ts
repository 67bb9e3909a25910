/**
 * Upper bound on a server's life, enforced by wrapping its command in coreutils `timeout`, so a
 * harness killed with SIGKILL cannot leave servers running forever. Seconds; override with
 * ROOTLOAD_SERVER_LIFETIME_S.
 */
export function serverLifetimeSeconds(): number {
  const v = Number(process.env.ROOTLOAD_SERVER_LIFETIME_S);
  return Number.isFinite(v) && v > 0 ? v : 3_600;
}

/** `argv` wrapped in `timeout`: TERM at the cap, KILL 5 s later. */
export function withLifetimeCap(argv: readonly string[], seconds = serverLifetimeSeconds()): string[] {
  return ["timeout", "-k", "5", `${seconds}`, ...argv];
}
