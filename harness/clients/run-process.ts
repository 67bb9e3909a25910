import { spawn } from "node:child_process";

/** What a command-line client printed. */
export interface ProcessOutput {
  stdout: string;
  stderr: string;
  code: number | null;
  timedOut: boolean;
  /** ms from spawn to the first `doneWhen` match, or to exit. */
  ms: number;
}

/**
 * Run a TLS command-line client with its stdin held open (closing stdin makes both s_client and
 * gnutls-cli quit at once, before a TLS 1.3 server's verdict on the client certificate arrives).
 * `settle(stdout, stderr)` returns how long to keep stdin open once the output says enough
 * (0 = close now), or undefined to keep waiting. Bounded by `timeoutMs`, then killed.
 */
export function runClientProcess(
  cmd: string,
  args: readonly string[],
  timeoutMs: number,
  settle: (stdout: string, stderr: string) => number | undefined,
): Promise<ProcessOutput> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let ms: number | undefined;
    let closing: NodeJS.Timeout | undefined;
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    const kill = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const check = () => {
      if (closing || ms !== undefined) return;
      const wait = settle(stdout, stderr);
      if (wait === undefined) return;
      ms = performance.now() - t0;
      closing = setTimeout(() => child.stdin.end(), wait);
    };
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      check();
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      check();
    });
    child.stdin.on("error", () => {}); // the client may exit before we close its stdin
    child.on("error", (err) => {
      stderr += `\nspawn ${cmd}: ${err.message}`;
    });
    child.on("close", (code) => {
      clearTimeout(kill);
      if (closing) clearTimeout(closing);
      resolve({ stdout, stderr, code, timedOut, ms: ms ?? performance.now() - t0 });
    });
  });
}

/** True when `cmd` runs (`cmd args` exits 0). */
export function commandWorks(cmd: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}
