import pino, { type Logger } from "pino";

/**
 * The one logger. Pretty on a TTY, JSON lines otherwise; always on stderr so that
 * `--json` output on stdout stays machine-readable.
 */
function make(level: string): Logger {
  const pretty = process.stderr.isTTY && process.env.ROOTLOAD_LOG_FORMAT !== "json";
  if (pretty) {
    return pino({
      level,
      transport: {
        target: "pino-pretty",
        options: { destination: 2, colorize: true, ignore: "pid,hostname" },
      },
    });
  }
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}

export let log: Logger = make(process.env.ROOTLOAD_LOG_LEVEL ?? "warn");

/** Replace the logger's level (from `--log-level`). */
export function setLogLevel(level: string): void {
  log = make(level);
}
