import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunManifest } from "../../../harness/model/run-manifest.ts";
import { containerEngineReady, DEFAULT_IMAGE } from "../../../harness/runtime/container-runtime.ts";
import { runCli } from "../../support/cli.ts";
import { repoRoot } from "../../support/repo-root.ts";
import { missingHere, skipHere } from "../../support/require-here.ts";
import { readCases, runDir, writeScenario } from "../../support/run-files.ts";
import { expectSameAsOwn, LIMIT_SERIES } from "../../support/same-as-own.ts";

const engine = await containerEngineReady();
const BASE = process.env.ROOTLOAD_IMAGE ?? DEFAULT_IMAGE;
/** A "user image" made here from what is present (nothing is pulled), removed after. */
const IMAGE = `rootload-test/user-servers:${process.pid}`;
const HAPROXY = path.join(repoRoot, "test/fixtures/templates/haproxy/haproxy.cfg.template");

const docker = (...args: string[]) =>
  execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });

/**
 * rootload's image without what rootload relies on inside its own (coreutils `timeout` for the
 * lifetime cap, node, procps, the JVM, its labels) and with an entrypoint of its own, as a user's
 * image would be: `docker export` of a trimmed container, `docker import`ed (no labels survive).
 */
function buildUserImage(): void {
  const cid = docker(
    "create",
    "--entrypoint",
    "/bin/sh",
    BASE,
    "-c",
    "rm -rf /usr/bin/timeout /usr/bin/node /usr/bin/nodejs /usr/lib/node_modules /usr/share/nodejs /usr/bin/ps /usr/bin/pgrep /usr/bin/pkill /usr/bin/kill /usr/lib/jvm /usr/lib/postgresql /usr/bin/caddy /usr/share/doc",
  ).trim();
  try {
    docker("start", "-a", cid);
    execFileSync(
      "sh",
      [
        "-c",
        'docker export "$1" | docker import --change \'ENTRYPOINT ["nginx","-g","daemon off;"]\' - "$2"',
        "sh",
        cid,
        IMAGE,
      ],
      { stdio: "ignore", timeout: 240_000 },
    );
  } finally {
    docker("rm", "-f", cid);
  }
}

const engineMissing = engine.ok ? undefined : engine.reason;
describe.skipIf(skipHere("container engine", engineMissing))(
  "your image: a locally present image instead of rootload's",
  () => {
    beforeAll(async () => {
      missingHere("container engine", engineMissing);
      await buildUserImage();
    }, 300_000);
    afterAll(() => {
      docker("rmi", "-f", IMAGE);
    });

    it("runs rootload's nginx config and a haproxy template in it through a growth series: same lists and outcomes as in rootload's image, versions from the running server", async () => {
      // The image really lacks rootload's helpers: a server wrapped in `timeout` could not start.
      expect(() => docker("run", "--rm", "--entrypoint", "/usr/bin/timeout", IMAGE, "1", "true")).toThrow();
      const { file, out } = await writeScenario({
        name: "own-image",
        runtime: "container",
        servers: [
          { driver: "nginx", image: IMAGE },
          { driver: "nginx" },
          { driver: "haproxy", config: HAPROXY, image: IMAGE },
          { driver: "haproxy", config: HAPROXY },
        ],
        ...LIMIT_SERIES,
      });
      const r = await runCli(["run", file, "--out", out, "--quiet"], 560_000);
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      const dir = runDir(out);
      const all = readCases(dir);
      expect(all).toHaveLength(4 * 3 * 2 * 2);
      expectSameAsOwn(all, [
        ["nginx", "nginx#2"],
        ["haproxy", "haproxy#2"],
      ]);
      // Versions as the running server states them (the oracle: the same command run here).
      // (nginx -v writes to stderr.)
      const stated = docker("run", "--rm", "--entrypoint", "/bin/sh", IMAGE, "-c", "nginx -v 2>&1").trim();
      const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as RunManifest;
      const inImage = manifest.servers.filter((s) => s.versions.image === IMAGE);
      expect(inImage.map((s) => s.driver).sort()).toEqual(["haproxy", "nginx"]);
      const nginx = inImage.find((s) => s.driver === "nginx")!;
      expect(nginx.versions.nginx).toBe(`${/nginx\/(\S+)/.exec(stated)?.[1] ?? "?"} (nginx -v)`);
      expect(inImage.find((s) => s.driver === "haproxy")!.versions.haproxy).toMatch(
        /^2\.\d+\.\S+ \(haproxy -v\)$/,
      );
      // No package label of rootload's image is passed off as the user image's.
      expect(nginx.versions).not.toHaveProperty("openssl");
      // The report shows them too.
      expect(readFileSync(path.join(dir, "summary.md"), "utf8")).toContain(`image ${IMAGE}`);
    }, 600_000);

    it("a user image that is not here is exit 2 naming it, nothing written; rootload's own missing image stays exit 3", async () => {
      const missing = `rootload-test/absent:${process.pid}`;
      const { file, out } = await writeScenario({
        name: "own-image-missing",
        runtime: "auto",
        servers: [{ driver: "nginx", image: missing }],
        roots: { source: { kind: "synthetic", count: 20 } },
      });
      const r = await runCli(["run", file, "--out", out]);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n").filter((l) => l.startsWith("rootload"))).toEqual([
        `rootload run: ${file}: servers[0].image: "${missing}" is not present locally (rootload never pulls: build or \`docker load\` it on this machine)`,
      ]);
      expect(existsSync(out)).toBe(false);

      const own = await writeScenario({
        name: "own-image-rootload-missing",
        runtime: "container",
        servers: [{ driver: "nginx" }],
        roots: { source: { kind: "synthetic", count: 20 } },
      });
      const r3 = await runCli(["run", own.file, "--out", own.out], 120_000, {
        ROOTLOAD_IMAGE: `rootload/servers:absent-${process.pid}`,
      });
      expect(r3.code).toBe(3);
      expect(r3.stderr).toContain(`image rootload/servers:absent-${process.pid} not found locally`);
      expect(existsSync(own.out)).toBe(false);
    }, 240_000);
  },
);
