import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError, messageOf } from "./errors.ts";

/** One option of a command: how it parses (node:util parseArgs) and how `--help` shows it. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** Repeatable: the values come as a list. */
  multiple?: boolean;
  default?: string | boolean;
  /** The value's name in the help (`--out DIR`); string options only. */
  arg?: string;
  /** One line for the help. */
  help: string;
}

/**
 * A command's declaration: the one place its options are written, from which both the parser
 * and `--help` are made. `usage` lines follow "rootload " in the help; `about` explains the
 * command (exit codes included).
 */
export interface CommandSpec<O extends Record<string, OptionSpec>> {
  name: string;
  usage: readonly string[];
  about: string;
  options: O;
}

const HELP = { type: "boolean", short: "h", help: "show this help" } as const satisfies OptionSpec;

type WithHelp<O> = O & { help: typeof HELP };
type ParseOptions = NonNullable<ParseArgsConfig["options"]>;

/** Declare a command (an identity function, so the options keep their literal types). */
export function defineCommand<const O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
): CommandSpec<O> {
  return spec;
}

/**
 * Parse a command's arguments strictly against its declaration (plus -h/--help); unknown flags
 * and missing values become one-line InputErrors naming the command.
 */
export function parseCommandArgs<const O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  args: string[],
) {
  const options = { ...spec.options, help: HELP } as WithHelp<O>;
  const forParse = Object.fromEntries(
    Object.entries(options as Record<string, OptionSpec>).map(([k, { arg: _a, help: _h, ...o }]) => [k, o]),
  ) as ParseOptions;
  try {
    return parseArgs({ args, options: forParse as WithHelp<O>, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(`rootload ${spec.name}`, messageOf(err).split("\n")[0]!);
  }
}

/** The `--help` text, made from the same declaration the parser reads. */
export function helpText(spec: CommandSpec<Record<string, OptionSpec>>): string {
  const all: Record<string, OptionSpec> = { ...spec.options, help: HELP };
  const rows = Object.entries(all).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.arg ?? "VALUE"}` : ""}`;
    const dflt = o.default !== undefined && o.default !== false ? ` (default ${o.default})` : "";
    return [flag, `${o.help}${dflt}${o.multiple ? " (repeatable)" : ""}`] as const;
  });
  // A long flag (a list of every server) puts its help on the next line instead of widening all.
  const w = Math.min(Math.max(...rows.map(([f]) => f.length)), 28);
  return [
    `usage: ${spec.usage.map((u, i) => `${i === 0 ? "" : "       "}rootload ${u}`).join("\n")}`,
    "",
    spec.about.trimEnd(),
    "",
    "options:",
    ...rows.map(([f, h]) => (f.length > w ? `  ${f}\n  ${" ".repeat(w)}  ${h}` : `  ${f.padEnd(w)}  ${h}`)),
    "",
  ].join("\n");
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
