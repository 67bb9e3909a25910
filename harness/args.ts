import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError, messageOf } from "./errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;
/** Named so the emitted declarations (dist/*.d.ts) can spell parseArgs' result type. */
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/**
 * Parse a subcommand's arguments strictly; unknown flags and missing values become one-line
 * InputErrors naming the command.
 */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(`rootload ${command}`, messageOf(err).split("\n")[0]!);
  }
}

/** A numeric flag value, or an InputError naming the flag. */
export function numberFlag(
  command: string,
  flag: string,
  value: string | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InputError(`rootload ${command} --${flag}`, `"${value}" is not a non-negative number`);
  return n;
}
