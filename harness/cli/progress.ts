/** A one-line progress bar with ETA on a TTY; nothing otherwise (the log has each case). */
export class Progress {
  readonly #start = Date.now();
  #done = 0;
  readonly #tty = Boolean(process.stderr.isTTY);

  constructor(readonly total: number) {}

  tick(label: string): void {
    this.#done++;
    if (!this.#tty) return;
    const width = 24;
    const filled = Math.round((this.#done / Math.max(1, this.total)) * width);
    const elapsed = (Date.now() - this.#start) / 1000;
    const eta = this.#done > 0 ? (elapsed / this.#done) * (this.total - this.#done) : 0;
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.#done}/${this.total} ETA ${clock(eta)}`;
    process.stderr.write(`\r\x1b[2K${bar} ${label}`.slice(0, (process.stderr.columns || 120) + 5));
  }

  end(): void {
    if (this.#tty) process.stderr.write("\r\x1b[2K");
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
