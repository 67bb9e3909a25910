/**
 * What must match between two runs of the same plan: not ids, times or latency, nor the server's
 * log tail (pids, and whether a line the server writes as the connection closes made it in yet).
 */
const VARYING = new Set([
  "runId",
  "startedAt",
  "endedAt",
  "durationMs",
  "latency",
  "latencyMeasured",
  "phasesMs",
  "mergedFrom",
  "git",
  "shard",
  "serverLogTail",
]);

/** A run's JSON (report, manifest or case) with what varies between runs of one plan left out. */
export function comparable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(comparable);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !VARYING.has(k) && !/latency|p50|p99|Ms$|hz/i.test(k))
        .map(([k, x]) => [k, comparable(x)]),
    );
  // OpenSSL error strings start with the failing thread's id (e.g. "80DC84802B7F0000:error:…").
  return typeof v === "string" ? v.replace(/\b[0-9A-F]{12,16}:error:/g, "…:error:") : v;
}
