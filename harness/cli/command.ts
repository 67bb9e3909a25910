/** A subcommand: takes its own argv, returns an exit code. */
export type Command = (args: string[]) => Promise<number>;
