/** `90s`, `5m`, `1h`, `1h30m`: a duration as the targets file and `--interval` write it. */
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds, or undefined when `text` is not one or more `<number><ms|s|m|h>` parts. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text))
    ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return Math.round(ms);
}

/** The shortest text parseDuration reads back as `ms` (for logs and the JSON view). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const)
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
