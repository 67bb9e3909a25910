/**
 * Errors that the CLI turns into one line and an exit code. Anything else is a harness bug
 * and is printed with its stack.
 */

/** Bad input from the user: a file, a field, a flag. Exit code 2. */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly exitCode = 2;
  /** @param where the file or field path, e.g. `scenarios/x.scenario.ts: servers[1].driver` */
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/** The container engine or a server could not do its part. Exit code 3. */
export class EngineError extends Error {
  override readonly name = "EngineError";
  readonly exitCode = 3;
}

/** Exit code for an error thrown at the CLI boundary. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof InputError || err instanceof EngineError) return err.exitCode;
  return 3;
}

/** The message of anything thrown, without a stack. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
