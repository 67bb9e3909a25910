import type { CaseResult } from "./case-result.ts";

/** One server driver used in a run, with the product and library versions it reported. */
export interface RunServer {
  /**
   * The server instance, as case results name it (`nginx`, then `nginx#2` for the same driver
   * again); absent in manifests written before instances were named, where the driver stands in.
   */
  server?: string;
  driver: string;
  /** e.g. { nginx: "1.22.1", openssl: "3.0.17" } */
  versions: Record<string, string>;
  /** Container image (tag or id) when the runtime is "container". */
  image?: string;
}

/** A manifest's server entry by its instance (the driver in manifests that predate instance names). */
export const runServerKey = (s: RunServer): string => s.server ?? s.driver;

/** What was run, where and with what: `manifest.json` in a run directory. */
export interface RunManifest {
  runId: string;
  scenario: {
    name: string;
    /** Scenario file path as given on the command line. */
    file: string;
    /** Hash of the scenario file's bytes, e.g. "sha256:…", so a report names exactly what ran. */
    hash: string;
  };
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601; absent when the run was killed or interrupted before it finished. */
  endedAt?: string;
  /**
   * ISO 8601: the run stopped on SIGINT/SIGTERM. The case in flight was dropped (`--resume`
   * runs it); every case in cases.jsonl finished.
   */
  interruptedAt?: string;
  /**
   * Container runtime: the memory and pids limits every server container had, and whether the
   * engine enforced them (`memoryEnforced: false`: the limit was silently ignored).
   */
  containerLimits?: { memoryBytes: number; pids: number; memoryEnforced?: boolean; pidsEnforced?: boolean };
  /** How the servers were started: "container" (testcontainers) or "process" (embedded default). */
  runtime: string;
  servers: RunServer[];
  /** The run's clients: label, stack, how it selects, its version (or why it could not run). */
  clients?: { label: string; name: string; selection: string; version?: string; unavailable?: string }[];
  /** `process.versions.node` of the harness. */
  node: string;
  /** `process.versions.openssl` of the harness (the probe's and node client's library). */
  openssl: string;
  /** `git rev-parse --short HEAD` of the harness checkout; absent outside a checkout. */
  git?: string;
  /**
   * How many expectations the scenario declares (`expect`): a run stopped before any case they
   * select says so instead of "no expectations set". Absent: none, or a run made before it existed.
   */
  expectations?: number;
  /** Cases the plan contained (for this shard); fewer in cases.jsonl means the run stopped early. */
  plannedCases: number;
  /**
   * Bisected series in the plan (scenario `roots.bisect`, this shard). Their cases are not in
   * plannedCases: how many sizes a search probes depends on its outcomes.
   */
  plannedBisects?: number;
  /** Set when the plan was split across machines; index is 1-based (shard 2 of 3 = { index: 2, count: 3 }). */
  shard?: { index: number; count: number };
  /** What the plan left out and why (e.g. the forge client for a user's config or an endpoint). */
  notes?: string[];
  /**
   * "not-measured": a functional-only run (scenario `latency: false` or `rootload run
   * --no-latency`): no case has a latency figure, by choice, and reports say so instead of
   * showing blanks. Absent: latency was sampled for every case that got in.
   */
  latency?: "not-measured";
  /** Where this invocation's wall time went (ms): roots, runtime, start, reload, probe, handshake, latency, totalMs. */
  phasesMs?: Record<string, number>;
  /** Run ids of the shards `rootload merge` joined into this run. */
  mergedFrom?: string[];
}

/** A run as the reports see it: its manifest and its case results in plan order (file order for runs without planIndex). */
export interface RunRecord {
  manifest: RunManifest;
  cases: CaseResult[];
}
