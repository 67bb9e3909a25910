import { EngineError } from "../errors.ts";

/** Keeps the tail of a server's output and lets callers wait for a line to appear. */
export class LogBuffer {
  #text = "";
  #dropped = 0;
  #waiters = new Set<() => void>();
  #closed = false;

  /** @param maxChars the tail kept; older output is dropped (a large list can make chatty logs). */
  constructor(private readonly maxChars = 2_000_000) {}

  append(chunk: string | Buffer): void {
    this.#text += chunk.toString();
    if (this.#text.length > this.maxChars) {
      const cut = this.#text.length - this.maxChars;
      this.#text = this.#text.slice(cut);
      this.#dropped += cut;
    }
    for (const w of this.#waiters) w();
  }

  /** The process ended: waiters fail at once instead of timing out. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiters) w();
  }

  /** Total characters ever appended (a position usable as `from`). */
  get length(): number {
    return this.#dropped + this.#text.length;
  }

  /** Output appended at or after position `from` (as far as it is kept). */
  since(from: number): string {
    return this.#text.slice(Math.max(0, from - this.#dropped));
  }

  text(): string {
    return this.#text;
  }

  /** Resolve when `pattern` matches output appended at or after position `from`. */
  waitFor(pattern: RegExp, from: number, timeoutMs: number, what: string): Promise<void> {
    const matches = () => pattern.test(this.#text.slice(Math.max(0, from - this.#dropped)));
    if (matches()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (matches()) done();
        else if (this.#closed)
          done(
            new EngineError(
              `${what}: exited before log message ${pattern} appeared; output:\n${this.tail()}`,
            ),
          );
      };
      const timer = setTimeout(
        () =>
          done(
            new EngineError(
              `${what}: log message ${pattern} not received after ${timeoutMs}ms; output:\n${this.tail()}`,
            ),
          ),
        timeoutMs,
      );
      this.#waiters.add(check);
      check();
    });
  }

  /** The last lines, for error messages. */
  tail(lines = 20): string {
    return this.#text.split("\n").slice(-lines).join("\n");
  }
}
