import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../harness/scenario/load-scenario.ts";
import { runCli } from "../support/cli.ts";

/** An nginx config that asks for client certificates, with its TLS settings in `include`. */
function site(include: string): string {
  return `events {}\nhttp {\n  server {\n    listen 443 ssl;\n    include ${include};\n  }\n}\n`;
}
const MTLS =
  "ssl_certificate /etc/ssl/site.pem;\nssl_certificate_key /etc/ssl/site.key;\n" +
  "ssl_client_certificate /etc/ssl/clients.pem;\nssl_verify_client on;\n";

describe("rootload init writes only under -o, and only inert values into code (issue 23 items 11, 13)", () => {
  it("an include with ../ is read in place: nothing is written outside -o, the file there is untouched", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-init-up-"));
    mkdirSync(path.join(work, "etc/nginx"), { recursive: true });
    writeFileSync(path.join(work, "etc/nginx/nginx.conf"), site("../common/mtls.conf"));
    mkdirSync(path.join(work, "etc/common"));
    writeFileSync(path.join(work, "etc/common/mtls.conf"), MTLS);
    // -o beside the config: `../common/mtls.conf` from there is work/etc/common again, and from
    // out/ it would be work/etc/out/../common: a write through ../ lands on the user's own file.
    const out = path.join(work, "etc/out");
    const r = await runCli(["init", "--nginx", path.join(work, "etc/nginx/nginx.conf"), "-o", out]);
    // The TLS directives sit in a file rootload does not convert (read in place): nothing to test.
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/nginx\.conf: has no ssl_client_certificate/);
    expect(readFileSync(path.join(work, "etc/common/mtls.conf"), "utf8")).toBe(MTLS);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(path.join(work, "etc")).sort()).toEqual(["common", "nginx"]);

    // With the TLS settings in the main file, an outside include (here a plain one) is kept by
    // its absolute path and read where it is.
    writeFileSync(
      path.join(work, "etc/nginx/nginx.conf"),
      site("../common/extra.conf").replace("    include", `    ${MTLS.replaceAll("\n", "\n    ")}include`),
    );
    writeFileSync(path.join(work, "etc/common/extra.conf"), "server_tokens off;\n");
    const ok = await runCli(["init", "--nginx", path.join(work, "etc/nginx/nginx.conf"), "-o", out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`read in place at ${path.join(work, "etc/common/extra.conf")}`);
    expect(readFileSync(path.join(out, "nginx.conf.template"), "utf8")).toContain(
      `include ${path.join(work, "etc/common/extra.conf")};`,
    );
    expect(readdirSync(out).sort()).toEqual(["nginx.conf.template", "nginx.scenario.ts"]);
    expect(readFileSync(path.join(work, "etc/common/extra.conf"), "utf8")).toBe("server_tokens off;\n");
  });

  it("a hostile config file name comes out of the scenario as an inert string", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-init-name-"));
    const marker = `pwned-${process.pid}`;
    const name = `a" + process.getBuiltinModule("child_process").execSync("touch ${marker}") + "\u2028x.conf`;
    const config = path.join(work, name);
    writeFileSync(config, site("mtls.conf"));
    writeFileSync(path.join(work, "mtls.conf"), MTLS);
    const out = path.join(work, "out");
    const r = await runCli(["init", "--nginx", config, "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const loaded = await loadScenario(path.join(out, "nginx.scenario.ts"));
    expect(loaded.scenario.servers[0]).toEqual({
      driver: "nginx",
      config: path.join(out, `${name}.template`),
    });
    expect(existsSync(path.join(process.cwd(), marker))).toBe(false);
    expect(existsSync(path.join(out, marker))).toBe(false);
  });

  it("-o naming a file: one line, exit 2, nothing written", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "rootload-init-o-"));
    const file = path.join(work, "not-a-folder");
    writeFileSync(file, "mine\n");
    const r = await runCli(["init", "--endpoint", "127.0.0.1:8443", "-o", file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe(
      `rootload init -o ${file}: is not a folder (init writes its files into a folder)`,
    );
    expect(readFileSync(file, "utf8")).toBe("mine\n");
    expect(readdirSync(work)).toEqual(["not-a-folder"]);
    // Below a file: the same, not a stack trace from mkdir.
    const below = await runCli(["init", "--endpoint", "127.0.0.1:8443", "-o", path.join(file, "x")]);
    expect(below.code, below.stderr).toBe(2);
    expect(below.stderr.trim().split("\n")).toHaveLength(1);
    expect(readdirSync(work)).toEqual(["not-a-folder"]);
  });
});
