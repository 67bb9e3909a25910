import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/** `openssl s_server` as an operator runs it: their CA file, their server certificate. */
export async function operatorSServer(
  dir: string,
  port: number,
  caFile: string,
  extra: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(
    "openssl",
    [
      "s_server",
      "-www",
      "-Verify",
      "1",
      "-verify_return_error",
      "-CAfile",
      caFile,
      "-cert",
      path.join(dir, "server.pem"),
      "-key",
      path.join(dir, "server.key"),
      "-accept",
      `127.0.0.1:${port}`,
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("s_server did not start")), 10_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (/ACCEPT/.test(d.toString())) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  return child;
}
