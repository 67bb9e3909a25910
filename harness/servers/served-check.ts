import { EngineError } from "../errors.ts";
import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TlsVersion } from "../model/tls.ts";
import { type ProbeResult, probe } from "../probe/probe.ts";
import { nameKey } from "../roots/root-store.ts";
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
  /** The planned names (DER, hex): a served list with any other name is not the new one. */
  planned: ReadonlySet<string>;
  /**
   * Before the reload: the names planned and, when known, served (DER, hex). A server that leaves
   * out names it cannot parse (Caddy: Go's pool drops a root whose certificate it cannot read)
   * never shows the planned count; a list drawn from the new plan is then the new one if it has a
   * name the old plan had not, or differs from the list served before. Undefined: only the
   * planned counts confirm.
   */
  before?: { planned: ReadonlySet<string>; served?: ReadonlySet<string> };
  /**
   * The driver's "reload done" log line. It appears once per old worker that leaves (nginx:
   * `worker process N exited`; HAProxy: `Former worker (N) exited`), which is exactly when the
   * answer can change: the check looks again when it appears.
   */
  done: RegExp;
  timeoutMs: number;
}

export type ServedBefore = NonNullable<ServedWait["before"]>;

/** How the served list was confirmed, for reports and the bench. */
export interface ServedConfirmation {
  ms: number;
  /** Probes it took (1 when the list was served at the first look). */
  probes: number;
  /** The names now served (DER, hex): the next reload's `before`. */
  served: ReadonlySet<string>;
  /** Planned names the server left out (0 when it serves the planned list). */
  leftOut: number;
  /** The look that showed the new list: what the server now sends a bare ClientHello on `tls`. */
  result: ProbeResult;
}

/**
 * Whether a look shows the new list: the planned count (either way of counting repeats), or —
 * for a server that leaves out names — a list drawn from the plan that is not the one served
 * before. Either way every name served must be a planned one.
 */
export function showsNewList(
  served: readonly Uint8Array[],
  w: Pick<ServedWait, "counts" | "planned" | "before">,
): { served: Set<string>; leftOut: number } | undefined {
  const keys = new Set(served.map(nameKey));
  for (const k of keys) if (!w.planned.has(k)) return undefined;
  const leftOut = [...w.planned].filter((k) => !keys.has(k)).length;
  if (w.counts.has(served.length)) return { served: keys, leftOut };
  const { before } = w;
  if (!before) return undefined;
  const sameSet = (x: ReadonlySet<string>, y: ReadonlySet<string>) =>
    x.size === y.size && [...x].every((k) => y.has(k));
  const shown = { served: keys, leftOut };
  if ([...keys].some((k) => !before.planned.has(k))) return shown;
  if (before.served && !sameSet(keys, before.served)) return shown;
  // The plan did not change: nothing on the wire can tell old from new, and nothing needs to.
  if (sameSet(w.planned, before.planned)) return shown;
  return undefined;
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
    const authorities = r.certificateRequest?.authorities;
    seen = authorities?.length;
    const shown =
      authorities &&
      showsNewList(
        authorities.map((a) => a.der),
        w,
      );
    if (shown) return { ms: Math.round(performance.now() - t0), probes, ...shown, result: r };
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
