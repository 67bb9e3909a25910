import { log } from "../log.ts";

/** Something that must be cleaned up when the harness process ends, however it ends. */
export interface ExitHook {
  /** Best-effort synchronous cleanup for `process.on("exit")`, where nothing async can run. */
  closeSync(): void;
  close(): Promise<void>;
}

const hooks = new Set<ExitHook>();
let installed = false;
let signalOwners = 0;

/**
 * A caller that stops cleanly on SIGINT/SIGTERM (the run command: it drops the case in flight,
 * closes its runtime, writes its reports) takes the signals over: until the returned function is
 * called, the hooks here do not stop servers under it or re-raise the signal. Their `exit`
 * cleanup still runs.
 */
export function ownSignals(): () => void {
  signalOwners++;
  let released = false;
  return () => {
    if (!released) signalOwners--;
    released = true;
  };
}

async function onSignal(sig: NodeJS.Signals): Promise<void> {
  if (signalOwners > 0) return;
  await Promise.allSettled([...hooks].map((h) => h.close()));
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  // Re-raise so the process ends the way the signal meant, now that our servers are gone. Always:
  // other listeners (signal-exit, via testcontainers) re-raise only when they are alone, which
  // they were not while this async cleanup ran.
  process.kill(process.pid, sig);
}

/** Register cleanup for exit, SIGINT and SIGTERM. Returns the unregister function. */
export function onExit(hook: ExitHook): () => void {
  hooks.add(hook);
  if (!installed) {
    installed = true;
    process.on("exit", () => {
      for (const h of hooks) {
        try {
          h.closeSync();
        } catch (err) {
          log.warn({ err }, "cleanup at exit failed");
        }
      }
    });
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  return () => hooks.delete(hook);
}
