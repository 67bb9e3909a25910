/**
 * Many readers or one writer, granted in arrival order: a writer waits for the readers already
 * in, and readers that arrive after a waiting writer wait for it, so the writer is never starved.
 * A parallel run holds the read side for functional work (start, reload, probe, the classified
 * handshake) and the write side for latency sampling, so samples are taken while no other series
 * loads the CPU: the same figures a `--jobs 1` run measures.
 */
export class ReadWriteLock {
  #readers = 0;
  #writer = false;
  readonly #queue: { write: boolean; grant: () => void }[] = [];

  /** Run `work` beside other readers, never beside a writer. */
  read<T>(work: () => Promise<T>): Promise<T> {
    return this.#with(false, work);
  }

  /** Run `work` alone. */
  write<T>(work: () => Promise<T>): Promise<T> {
    return this.#with(true, work);
  }

  /** Holders and waiters, for tests and logs. */
  get state(): { readers: number; writer: boolean; waiting: number } {
    return { readers: this.#readers, writer: this.#writer, waiting: this.#queue.length };
  }

  /**
   * Wait for the lock and return its release function (idempotent), for a holder whose section
   * does not fit one callback (it ends on any of several early returns).
   */
  async acquire(write: boolean): Promise<() => void> {
    await new Promise<void>((grant) => {
      this.#queue.push({ write, grant });
      this.#pump();
    });
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (write) this.#writer = false;
      else this.#readers--;
      this.#pump();
    };
  }

  async #with<T>(write: boolean, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(write);
    try {
      return await work();
    } finally {
      release();
    }
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#writer) {
      const head = this.#queue[0]!;
      if (head.write && this.#readers > 0) return;
      this.#queue.shift();
      if (head.write) this.#writer = true;
      else this.#readers++;
      head.grant();
    }
  }
}
