import { spawn } from "node:child_process";
import type { StartTlsProtocol } from "../../harness/model/starttls.ts";

/**
 * The CA names `openssl s_client [-starttls P]` prints under "Acceptable client certificate CA
 * names", in the probe's RFC 4514 form; the oracle for what was on the wire. Bounded: 15 s.
 */
export async function sClientNames(
  port: number,
  tls: "1.2" | "1.3",
  starttls?: StartTlsProtocol,
): Promise<{ names: string[]; out: string }> {
  const out = await new Promise<string>((resolve) => {
    const child = spawn(
      "openssl",
      [
        "s_client",
        "-connect",
        `127.0.0.1:${port}`,
        ...(starttls ? ["-starttls", starttls] : []),
        tls === "1.2" ? "-tls1_2" : "-tls1_3",
        "-nameopt",
        "RFC2253,-esc_msb",
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (text += d));
    child.stdin.end("Q\n");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
  const lines = out.split("\n");
  const start = lines.indexOf("Acceptable client certificate CA names");
  const names: string[] = [];
  if (start >= 0)
    for (const l of lines.slice(start + 1)) {
      if (
        /^(Client Certificate Types|Requested Signature|Shared Requested|Peer sign|Server Temp Key|---)/.test(
          l,
        )
      )
        break;
      names.push(l);
    }
  return { names, out };
}
