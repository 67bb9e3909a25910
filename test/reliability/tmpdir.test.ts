import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedTestPki } from "../../harness/pki/test-pki.ts";
import { ProcessRuntime } from "../../harness/runtime/process-runtime.ts";
import { DRIVERS } from "../../harness/servers/drivers/registry.ts";
import { SAFE_PATH } from "../../harness/state-dir.ts";
import { storeOfBytes } from "../fixtures/exact-size-roots.ts";
import { requireHere } from "../support/require-here.ts";

// A TMPDIR a careless or hostile environment could hand the harness: a space, and a command
// substitution that a shell would run.
const base = mkdtempSync(path.join(tmpdir(), "rootload-tmpdir-"));
const marker = path.join(base, "pwned");
const hostile = path.join(base, `a b$(touch ${marker})`);
mkdirSync(hostile, { recursive: true });
const saved = process.env.TMPDIR;
process.env.TMPDIR = hostile;
afterAll(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
});

describe("a hostile TMPDIR", () => {
  const runtime = new ProcessRuntime();
  afterAll(() => runtime.close());

  // Every driver that renders a config file or reloads through a shell, in the process runtime.
  for (const name of ["node", "haproxy", "nginx", "apache", "stunnel"] as const) {
    it(`${name}: starts and reloads; no command from TMPDIR runs; paths stay in the safe base`, async (ctx) => {
      const driver = DRIVERS[name];
      const a = await driver.available(runtime);
      requireHere(ctx, name, a.ok ? undefined : a.reason);
      const pki = await sharedTestPki();
      const server = await driver.start(
        {
          store: await storeOfBytes(2_000, [pki.clientIssuerEntry]),
          policy: { kind: "all" },
          tls: ["1.2"],
          clientAuth: "require",
          pki,
        },
        runtime,
      );
      try {
        // DriverServer keeps its folder; the StartedTlsServer interface does not expose it.
        expect((server as unknown as { dir: string }).dir).toMatch(SAFE_PATH);
        await server.reload(await storeOfBytes(3_000, [pki.clientIssuerEntry]), { kind: "all" });
        expect(existsSync(marker)).toBe(false);
      } finally {
        await server.stop();
      }
    }, 60_000);
  }
});

describe("paths in configs", () => {
  it("a path outside the safe character set never reaches a config", async () => {
    const { nginxPath, haproxyPath, stunnelPath, apachePath } = await import(
      "../../harness/servers/config-path.ts"
    );
    for (const quote of [nginxPath, haproxyPath, stunnelPath, apachePath]) {
      expect(() => quote('/tmp/x";\nssl_verify_client off;#')).toThrow(/cannot hold safely/);
      expect(() => quote("/tmp/a b")).toThrow(/cannot hold safely/);
    }
    expect(haproxyPath("/tmp/rootload-0/x.pem")).toBe("'/tmp/rootload-0/x.pem'");
    expect(nginxPath("/tmp/rootload-0/x.pem")).toBe('"/tmp/rootload-0/x.pem"');
  });
});
