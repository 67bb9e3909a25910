import { EngineError } from "../errors.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import { probe } from "../probe/probe.ts";
import type { Launched } from "../runtime/runtime.ts";

export interface ServedWait {
  launched: Launched;
  driver: string;
  host: string;
  port: number;
  tls: TlsVersion;
  /** The server's STARTTLS prelude (PostgreSQL's SSLRequest). */
  starttls?: StartTlsProtocol;
  /** Name counts that show the new list is served (OpenSSL dedupes re-keyed roots' names; Node does not). */
  counts: ReadonlySet<number>;
  /**
   * The driver's "reload done" log line. It appears once per old worker that leaves (nginx:
   * `worker process N exited`; HAProxy: `Former worker (N) exited`), which is exactly when the
   * answer can change: the check looks again when it appears.
   */
  done: RegExp;
  timeoutMs: number;
}

/** How the served list was confirmed, for reports and the bench. */
export interface ServedConfirmation {
  ms: number;
  /** Probes it took (1 when the list was served at the first look). */
  probes: number;
}

/** A look again when the server says nothing: 25 ms, doubling to 800 ms (never a fixed period). */
const FIRST_FALLBACK_MS = 25;
const MAX_FALLBACK_MS = 800;

/**
 * Confirm with the harness's own probe (in process: ~20× cheaper than spawning `s_client`) that
 * the server advertises the new list. Called after the server logged its reload, so the first
 * look usually settles it. When it does not (old workers still answer), wait for the server's
 * next `done` line — the next old worker leaving — and look again; a server that logs nothing
 * more gets looks at doubling intervals. Throws EngineError at the timeout.
 */
export async function awaitServed(w: ServedWait): Promise<ServedConfirmation> {
  const t0 = performance.now();
  const deadline = t0 + w.timeoutMs;
  let seen: number | undefined;
  let probes = 0;
  let fallback = FIRST_FALLBACK_MS;
  for (;;) {
    const mark = w.launched.outputLength();
    const left = deadline - performance.now();
    const r = await probe({
      host: w.host,
      port: w.port,
      tls: w.tls,
      timeoutMs: Math.max(500, Math.min(5_000, left)),
      ...(w.starttls ? { starttls: w.starttls } : {}),
    });
    probes++;
    seen = r.certificateRequest?.authorities.length;
    if (seen !== undefined && w.counts.has(seen)) return { ms: Math.round(performance.now() - t0), probes };
    const wait = Math.min(fallback, deadline - performance.now());
    if (wait <= 0) break;
    // The next `done` line since just before this look (one that came during the probe counts).
    await w.launched.waitForLog(w.done, mark, wait).catch(() => {});
    fallback = Math.min(2 * fallback, MAX_FALLBACK_MS);
  }
  throw new EngineError(
    `${w.driver}: after reload the server still advertises ${seen ?? "no readable list of"} names, expected ${[...w.counts].join(" or ")} (${probes} probes over ${w.timeoutMs}ms)`,
  );
}
