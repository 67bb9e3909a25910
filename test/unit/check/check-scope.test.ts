import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";

/** Debian's bundle: 14,755 B as nginx sends it, past only Schannel-2003's 12,288 B (it truncates). */
const BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

describe("rootload check: the exit status counts the servers in scope, and says which", () => {
  it("a bundle without --server: every server shown, the reference counted; Schannel-2003 alone does not set exit 1", async () => {
    const r = await runCli(["check", BUNDLE]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /^ {2}scope: nginx \(no --server, no config: the reference; the others are shown/m,
    );
    expect(r.stdout).toMatch(/^ {2}schannel-2003 +truncates: \d+ of \d+ names/m);
    expect(r.stdout).toContain("outside the scope, not counted in the exit status: schannel-2003");
    const j = JSON.parse((await runCli(["check", BUNDLE, "--json"])).stdout);
    expect(j.scope).toEqual({ from: "none", servers: ["nginx"] });
    expect(j.breaks).toBe(false);
    const s2003 = j.servers.filter((s: { server: string }) => s.server === "schannel-2003");
    expect(s2003.map((s: { inScope: boolean; verdict: string }) => [s.inScope, s.verdict])).toEqual([
      [false, "truncates"],
      [false, "truncates"],
    ]);
    // Named, it counts.
    const named = await runCli(["check", BUNDLE, "--server", "nginx,schannel-2003"]);
    expect(named.code).toBe(1);
    expect(named.stdout).toMatch(/^ {2}scope: nginx, schannel-2003 \(--server\)$/m);
  });

  it("a config: its server is the scope", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-check-scope-"));
    const conf = path.join(dir, "nginx.conf");
    writeFileSync(
      conf,
      `events {}\nhttp {\n  server {\n    listen 443 ssl;\n    ssl_verify_client on;\n    ssl_client_certificate ${BUNDLE};\n  }\n}\n`,
    );
    const r = await runCli(["check", conf, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).scope).toEqual({ from: "config", servers: ["nginx"] });
    const t = await runCli(["check", conf]);
    expect(t.stdout).toMatch(/^ {2}scope: nginx \(the config's server; name others with --server\)$/m);
  });
});
