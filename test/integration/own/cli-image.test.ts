import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticRoots } from "../../../harness/roots/synthetic.ts";
import { containerEngineReady } from "../../../harness/runtime/container-runtime.ts";
import { readCases, runDir } from "../../support/run-files.ts";

/**
 * rootload/cli, rootload's own image (containers/build-cli-image.sh, `npm run images`): `check`
 * on a mounted config, and `run` with the engine's socket mounted, its servers started beside it.
 * Missing image or engine: skipped here with the reason, a failure in CI (CI=true), which builds it.
 */
const IMAGE = process.env.ROOTLOAD_CLI_IMAGE ?? "rootload/cli:latest";
const CI = process.env.CI === "true";
const engine = await containerEngineReady(IMAGE);
const missing = engine.ok
  ? undefined
  : `${engine.reason}`.replace(/; build it with.*/, "; npm run images builds it");

const docker = (args: string[], timeout = 300_000) =>
  spawnSync("docker", args, { encoding: "utf8", timeout });

const pem = (der: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString("base64")}\n-----END CERTIFICATE-----\n`;

describe("rootload/cli: rootload's own image", () => {
  const live = (title: string, fn: () => void | Promise<void>, timeout: number) =>
    it(
      title,
      async (ctx) => {
        if (missing) {
          if (CI) throw new Error(`${IMAGE} is missing in CI: ${missing}`);
          return ctx.skip(missing);
        }
        await fn();
      },
      timeout,
    );

  live(
    "check: a mounted nginx config, exit 1 when its CA bundle breaks a server, 0 when not, 2 for a missing file",
    async () => {
      const cfg = await mkdtemp(path.join(tmpdir(), "rootload-cli-image-"));
      const roots = syntheticRoots({ count: 1_000, seed: 3 });
      writeFileSync(path.join(cfg, "big.pem"), roots.map((r) => pem(r.certDer)).join(""));
      writeFileSync(path.join(cfg, "one.pem"), pem(roots[0]!.certDer));
      const conf = (ca: string) =>
        `events {}\nhttp {\n  server {\n    listen 443 ssl;\n    ssl_certificate /etc/ssl/site.pem;\n    ssl_certificate_key /etc/ssl/site.key;\n    ssl_client_certificate /cfg/${ca};\n    ssl_verify_client on;\n  }\n}\n`;
      writeFileSync(path.join(cfg, "nginx.conf"), conf("big.pem"));
      writeFileSync(path.join(cfg, "nginx-one.conf"), conf("one.pem"));
      const check = (file: string) =>
        docker(["run", "--rm", "-v", `${cfg}:/cfg`, IMAGE, "check", `/cfg/${file}`, "--json"], 120_000);
      const breaks = check("nginx.conf");
      expect(breaks.status, breaks.stderr).toBe(1);
      const json = JSON.parse(breaks.stdout);
      expect(json.configuredServer).toBe("nginx");
      expect(json.advertised.bytes).toBeGreaterThan(65_535);
      const fine = check("nginx-one.conf");
      expect(fine.status, fine.stderr).toBe(0);
      expect(JSON.parse(fine.stdout).advertised.count).toBe(1);
      const bad = check("missing.conf");
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      // The image's own node (rootload needs ≥ 20; Debian 12's is 18) is the one that runs.
      const node = docker(["run", "--rm", "--entrypoint", "node", IMAGE, "--version"]);
      expect(node.stdout.trim()).toBe(process.version);
    },
    180_000,
  );

  live(
    "run: a scenario from the mounted folder, servers started through the mounted engine socket",
    async () => {
      const cfg = await mkdtemp(path.join(tmpdir(), "rootload-cli-image-run-"));
      // Servers' files are bind-mounted by the engine from the host: the temporary folder rootload
      // writes them into must be the same path inside the image and on the host.
      const shared = path.join(cfg, "tmp");
      mkdirSync(shared);
      writeFileSync(
        path.join(cfg, "image.scenario.ts"),
        `import { defineScenario } from "rootload";
export default defineScenario({
  name: "from-cli-image",
  runtime: "container",
  servers: [{ driver: "nginx", tls: ["1.3"] }],
  roots: { source: { kind: "synthetic", count: 10 }, sizes: [10] },
  clients: ["node", "openssl"],
  bench: { time: 50, iterations: 2 },
  expect: [{ outcome: "ok" }],
});
`,
      );
      const r = docker(
        [
          "run",
          "--rm",
          "--network",
          "host",
          "-v",
          "/var/run/docker.sock:/var/run/docker.sock",
          "-v",
          `${shared}:${shared}`,
          "-e",
          `TMPDIR=${shared}`,
          "-v",
          `${cfg}:/cfg`,
          IMAGE,
          "run",
          "/cfg/image.scenario.ts",
          "--out",
          "/cfg/results",
          "--quiet",
        ],
        300_000,
      );
      expect(r.status, r.stderr).toBe(0);
      const dir = runDir(path.join(cfg, "results"));
      const cases = readCases(dir);
      expect(cases.map((c) => [c.client, c.outcome.class]).sort()).toEqual([
        ["node", "ok"],
        ["openssl", "ok"],
      ]);
      expect(JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")).runtime).toBe("container");
      // What the image wrote is owned by root: remove it through the image, not by hand.
      execFileSync("docker", [
        "run",
        "--rm",
        "--entrypoint",
        "rm",
        "-v",
        `${cfg}:/cfg`,
        IMAGE,
        "-rf",
        "/cfg/results",
      ]);
    },
    320_000,
  );
});
