import { defineCommand, helpText, parseCommandArgs } from "../args.ts";
import { EngineError, InputError, messageOf } from "../errors.ts";
import { log, setLogLevel } from "../log.ts";
import { parseDuration } from "../watch/duration.ts";
import { parseListen, startListener } from "../watch/listener.ts";
import { loadTargets, type WatchPlan } from "../watch/load-targets.ts";
import { resultsJson } from "../watch/results-json.ts";
import { Scheduler } from "../watch/scheduler.ts";
import { WatchState } from "../watch/watch-state.ts";
import type { Command } from "./command.ts";

export const WATCH = defineCommand({
  name: "watch",
  usage: ["watch <targets.json|targets.ts> [options]"],
  about: `Probe each target's CertificateRequest on its interval and serve what was seen as Prometheus
metrics (/metrics), a JSON view (/results) and /healthz. Each change is one log line (stderr).
SIGHUP reloads the targets file; counters of targets that stay are kept. Runs until SIGINT/SIGTERM
(exit 0); --once exits 0 when every target is up, 1 otherwise. See docs/watch.md.`,
  options: {
    interval: {
      type: "string",
      arg: "D",
      help: "default interval of the targets file (s, m, h: 30s, 5m, 1h)",
    },
    listen: {
      type: "string",
      default: "127.0.0.1:9469",
      arg: "IP:PORT",
      help: "where to serve; bound there and nowhere else",
    },
    once: {
      type: "boolean",
      default: false,
      help: "probe every target once, print the results and exit (0: all up, 1: any down)",
    },
    json: { type: "boolean", default: false, help: "with --once: the JSON view instead of a table" },
    "log-level": {
      type: "string",
      arg: "LEVEL",
      help: "pino log level (default info, or ROOTLOAD_LOG_LEVEL)",
    },
  },
});
const USAGE = helpText(WATCH);

function table(plan: WatchPlan, state: WatchState): string {
  const rows = [["target", "tls", "up", "outcome", "names", "bytes", "message", "issuers", "clients"]];
  const series = state.series();
  // Plan order, whatever order the probes ended in.
  const ordered = plan.targets.flatMap((t) =>
    t.tls.flatMap((v) => series.filter((s) => s.target === t.name && s.tls === v)),
  );
  for (const s of ordered) {
    const o = s.last;
    rows.push([
      s.target,
      s.tls,
      o.success ? "yes" : "NO",
      o.outcome.class,
      o.list ? String(o.list.keys.length) : "-",
      o.list ? String(o.list.bytes) : "-",
      o.list ? String(o.list.messageBytes) : "-",
      o.issuers.map((i) => (i.advertised ? `#${i.position}` : "missing")).join(" ") || "-",
      o.clients
        .map((c) => `${c.client}:${c.verdict}${c.marginBytes === null ? "" : `(${c.marginBytes})`}`)
        .join(" ") || "-",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const text = rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
  return `${text}\n${plan.targets.length} target(s), ${state.series().length} probe(s)\n`;
}

/** `rootload watch`: runs until SIGINT/SIGTERM (exit 0); `--once` exits 0 when every target is up, 1 otherwise. */
export const watchCommand: Command = async (args) => {
  const { values, positionals } = parseCommandArgs(WATCH, args);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new InputError("rootload watch", "expected one targets file (rootload watch --help: usage)");
  if (values.json && !values.once)
    throw new InputError("rootload watch --json", "goes with --once (the listener serves /results)");
  const intervalMs = values.interval === undefined ? undefined : parseDuration(values.interval);
  if (values.interval !== undefined && (intervalMs === undefined || intervalMs < 1_000))
    throw new InputError(
      "rootload watch --interval",
      `"${values.interval}" is not a duration of at least 1s (30s, 5m, 1h)`,
    );
  const listen = parseListen(values.listen);
  // Changes are what the watcher reports: info unless told otherwise.
  setLogLevel(values["log-level"] ?? process.env.ROOTLOAD_LOG_LEVEL ?? "info");
  const file = positionals[0]!;
  const plan = await loadTargets(file, { ...(intervalMs !== undefined ? { intervalMs } : {}) });
  const state = new WatchState();
  const scheduler = new Scheduler(plan, state);

  if (values.once) {
    await scheduler.runOnce();
    const series = state.series();
    process.stdout.write(
      values.json ? `${JSON.stringify(resultsJson(plan, series), null, 2)}\n` : table(plan, state),
    );
    return series.every((s) => s.last.success) ? 0 : 1;
  }

  let listener: Awaited<ReturnType<typeof startListener>>;
  try {
    listener = await startListener(listen, state, scheduler);
  } catch (err) {
    throw new EngineError(`rootload watch --listen ${values.listen}: cannot listen (${messageOf(err)})`);
  }
  log.info(
    {
      listen: `${listener.host}:${listener.port}`,
      targets: plan.targets.length,
      concurrency: plan.concurrency,
    },
    `watching ${plan.targets.length} target(s); metrics on http://${values.listen.startsWith("[") ? `[${listener.host}]` : listener.host}:${listener.port}/metrics`,
  );
  scheduler.start();

  let reloading = Promise.resolve();
  const onHup = () => {
    reloading = reloading.then(async () => {
      try {
        const next = await loadTargets(file, { ...(intervalMs !== undefined ? { intervalMs } : {}) });
        scheduler.replace(next);
        log.info({ targets: next.targets.length }, `reloaded ${file}: ${next.targets.length} target(s)`);
      } catch (err) {
        // A bad edit must not stop the watch: the previous targets stay.
        log.error(
          { err: messageOf(err) },
          `reload of ${file} refused, the previous targets stay: ${messageOf(err)}`,
        );
      }
    });
  };
  process.on("SIGHUP", onHup);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  process.off("SIGHUP", onHup);
  log.info({ signal }, "stopping");
  await listener.close();
  await scheduler.stop();
  return 0;
};
