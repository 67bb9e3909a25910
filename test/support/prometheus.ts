import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../harness/runtime/free-port.ts";
import { withLifetimeCap } from "../../harness/runtime/lifetime.ts";
import { missingHere } from "./require-here.ts";

/**
 * Debian's `prometheus` and `promtool` (2.42, containers/setup-host.sh) run as the tests' own
 * processes: a config and a TSDB in a temp folder, the web API on a free 127.0.0.1 port, never the
 * packaged service.
 */

/** Why Prometheus cannot run here, or undefined when both binaries answer. */
export function prometheusUnavailable(): string | undefined {
  for (const bin of ["prometheus", "promtool"]) {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 10_000 });
    if (r.error || r.status !== 0)
      return `${bin} is not installed (apt-get install prometheus; containers/setup-host.sh): ${r.error?.message ?? r.stderr}`;
  }
  return undefined;
}

/** Skip with the reason locally; under CI=true a missing Prometheus is a failure. */
export function requirePrometheus(): string | undefined {
  return missingHere("Prometheus", prometheusUnavailable());
}

/** `promtool <args>` with `input` on stdin: its exit code and output. */
export function promtool(args: string[], input?: string): { code: number; output: string } {
  const r = spawnSync("promtool", args, { input, encoding: "utf8", timeout: 30_000 });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

export interface StartedPrometheus extends AsyncDisposable {
  url: string;
  /** One instant vector: each series' labels and value. */
  query(expr: string): Promise<{ labels: Record<string, string>; value: number }[]>;
  /** Poll `query(expr)` until `ok` holds for its result, up to `timeoutMs`. */
  waitFor(
    expr: string,
    ok: (r: { labels: Record<string, string>; value: number }[]) => boolean,
    timeoutMs: number,
  ): Promise<{ labels: Record<string, string>; value: number }[]>;
  logs(): string;
  stop(): Promise<void>;
}

/** Start Prometheus scraping `targets` ("127.0.0.1:port") every `scrapeSeconds`. */
export async function startPrometheus(targets: string[], scrapeSeconds = 1): Promise<StartedPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), "rootload-prometheus-"));
  const config = path.join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      `  scrape_interval: ${scrapeSeconds}s`,
      `  scrape_timeout: ${scrapeSeconds}s`,
      "scrape_configs:",
      "  - job_name: rootload-watch",
      "    static_configs:",
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(", ")}]`,
      "",
    ].join("\n"),
  );
  // The config must be one Prometheus accepts before it is started with it.
  execFileSync("promtool", ["check", "config", config], { timeout: 30_000, stdio: "pipe" });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const [cmd, ...args] = withLifetimeCap(
    [
      "prometheus",
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    900,
  );
  let output = "";
  const child: ChildProcess = spawn(cmd!, args, { stdio: ["ignore", "pipe", "pipe"] });
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-100_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${output}`);
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready at ${url} after 60 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const query = async (expr: string) => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, {
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await r.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== "success") throw new Error(`query ${expr}: ${body.error}`);
    return body.data!.result.map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
  };
  const waitFor: StartedPrometheus["waitFor"] = async (expr, ok, timeoutMs) => {
    const until = Date.now() + timeoutMs;
    let last: Awaited<ReturnType<typeof query>> = [];
    for (;;) {
      last = await query(expr);
      if (ok(last)) return last;
      if (Date.now() > until)
        throw new Error(
          `Prometheus: ${expr} did not reach the expected value in ${timeoutMs} ms; last ${JSON.stringify(last)}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  return { url, query, waitFor, logs: () => output, stop, [Symbol.asyncDispose]: stop };
}
