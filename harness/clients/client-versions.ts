import { execFile } from "node:child_process";
import { CLIENT_NAMES, type ClientName } from "../model/names.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { createClient } from "./index.ts";

function firstLine(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) =>
    execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) =>
      resolve(err ? undefined : `${stdout}${stderr}`.trim().split("\n")[0]),
    ),
  );
}

/** Each client's version where it runs (java, go, mbedtls, wolfssl, erlang, bouncycastle: in the runtime; the rest: this host). */
export async function clientVersions(runtime: Runtime): Promise<Partial<Record<ClientName, string>>> {
  const out: Partial<Record<ClientName, string>> = {
    node: `node ${process.versions.node} (OpenSSL ${process.versions.openssl})`,
    forge: `node-forge ${(await import("node-forge/package.json", { with: { type: "json" } })).default.version}`,
  };
  const cmds: Partial<Record<ClientName, [string, string[]]>> = {
    openssl: ["openssl", ["version"]],
    gnutls: ["gnutls-cli", ["--version"]],
    curl: ["curl", ["--version"]],
  };
  for (const [name, [cmd, args]] of Object.entries(cmds) as [ClientName, [string, string[]]][]) {
    const v = await firstLine(cmd, args);
    if (v) out[name] = v.replace(/^curl (\S+) .*?(OpenSSL\/\S+).*$/, "curl $1 ($2)");
  }
  for (const name of CLIENT_NAMES.filter((n) =>
    ["java", "go", "python", "mbedtls", "wolfssl", "rustls", "erlang", "bouncycastle"].includes(n),
  )) {
    const c = createClient(name, { runtime });
    try {
      const v = (await c.availability()).ok ? await c.version?.() : undefined;
      if (v)
        out[name] =
          `${v.replace(/, jdk\.tls\.maxHandshakeMessageSize=default/, "")} (${runtime.kind === "container" && name !== "python" && name !== "rustls" ? "in the image" : "host"})`;
    } finally {
      await c.close();
    }
  }
  return out;
}
