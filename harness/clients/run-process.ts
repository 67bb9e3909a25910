import { spawn } from "node:child_process";

/** What a command-line client printed. */
export interface ProcessOutput {
  stdout: string;
  stderr: string;
  code: number | null;
  timedOut: boolean;
  /** ms from spawn to the first `doneWhen` match, or to exit: includes starting the process. */
  ms: number;
  /**
   * ms from the first `started` match (the client's own "connecting" line) to the `settle` match:
   * the handshake without the process start, when the two were seen in separate reads.
   */
  handshakeMs?: number;
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
  started?: RegExp,
): Promise<ProcessOutput> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let ms: number | undefined;
    let startedAt: number | undefined;
    let handshakeMs: number | undefined;
    let closing: NodeJS.Timeout | undefined;
    // With `started`, the client's stdout is line-buffered (coreutils' stdbuf), so each line
    // arrives when printed rather than when the pipe's buffer fills at exit.
    const child = started
      ? spawn("stdbuf", ["-oL", "-eL", cmd, ...args], { stdio: ["pipe", "pipe", "pipe"] })
      : spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    const kill = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const check = () => {
      if (closing || ms !== undefined) return;
      const wasStarted = startedAt;
      if (started && startedAt === undefined && started.test(stdout)) startedAt = performance.now() - t0;
      const wait = settle(stdout, stderr);
      if (wait === undefined) return;
      ms = performance.now() - t0;
      // Seen in the same read as the end: no measure of the handshake alone.
      if (wasStarted !== undefined) handshakeMs = ms - wasStarted;
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
      resolve({
        stdout,
        stderr,
        code,
        timedOut,
        ms: ms ?? performance.now() - t0,
        ...(handshakeMs !== undefined ? { handshakeMs } : {}),
      });
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
