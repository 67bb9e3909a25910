import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { syntheticRoots } from "../../../harness/roots/synthetic.ts";
import { repoRoot } from "../../support/repo-root.ts";

/**
 * rootload as a user gets it: `npm pack` (its prepack builds dist/), installed into an empty
 * prefix by the install step of action.yml (npm_config_prefix points `npm install --global`
 * there), then run from `/` and from a folder of the user's own. One pack and one install for the
 * whole file: together they are most of its cost (about 1.5 min on 2 busy cores).
 */
interface ActionStep {
  name: string;
  id?: string;
  shell: string;
  env?: Record<string, string>;
  run: string;
}

const work = await mkdtemp(path.join(tmpdir(), "rootload-installed-"));
const prefix = path.join(work, "prefix");
const bin = path.join(prefix, "bin/rootload");
const runnerTemp = path.join(work, "runner-temp");
let tgz = "";

/** A shell as GitHub runs a composite step's `run:` (`bash --noprofile --norc -eo pipefail`). */
function runStep(step: ActionStep, inputs: Record<string, string>, githubOutput: string) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {}))
    env[k] = v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? "");
  expect(JSON.stringify(env), "every expression of a step is an input").not.toContain("${{");
  expect(step.run, "run: reads inputs through env:, never an expression (script injection)").not.toContain(
    "${{",
  );
  writeFileSync(githubOutput, "");
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
    cwd: work,
    env: {
      ...process.env,
      ...env,
      npm_config_prefix: prefix,
      PATH: `${path.join(prefix, "bin")}:${process.env.PATH}`,
      GITHUB_ACTION_PATH: repoRoot,
      GITHUB_OUTPUT: githubOutput,
      GITHUB_STEP_SUMMARY: path.join(work, "step-summary.md"),
      RUNNER_TEMP: runnerTemp,
    },
    encoding: "utf8",
    timeout: 300_000,
  });
  const outputs = Object.fromEntries(
    readFileSync(githubOutput, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
}

/** `rootload …` without blocking this process (a server of the test's own must keep answering). */
function rootloadAsync(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 120_000 });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** `rootload …` from the installed package, in `cwd` (default `/`). */
function rootload(args: string[], cwd = "/") {
  const r = spawnSync(bin, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const action = parse(readFileSync(path.join(repoRoot, "action.yml"), "utf8")) as {
  runs: { using: string; steps: ActionStep[] };
};
const [installStep, checkStep] = action.runs.steps;

beforeAll(() => {
  mkdirSync(runnerTemp, { recursive: true });
  execFileSync("npm", ["pack", "--silent", "--pack-destination", work], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 300_000,
  });
  tgz = path.join(work, readdirSync(work).find((f) => /^rootload-.*\.tgz$/.test(f))!);
}, 320_000);

describe("the packed package, installed into an empty prefix", () => {
  it("installs through action.yml's install step; its check step fails a config that breaks, passes one that does not", () => {
    expect(action.runs.using).toBe("composite");
    expect(installStep!.shell).toBe("bash");
    const installed = runStep(installStep!, { package: tgz }, path.join(work, "out-install"));
    expect(installed.code, installed.stderr).toBe(0);

    // An nginx config whose client CA bundle nginx (OpenSSL) can no longer send: 1,000 distinct
    // roots, past the 65,535-byte CA list; and the same config with one root.
    const big = path.join(work, "big-ca.pem");
    writeFileSync(
      big,
      syntheticRoots({ count: 1_000, seed: 7 })
        .map(
          (r) =>
            `-----BEGIN CERTIFICATE-----\n${Buffer.from(r.certDer).toString("base64")}\n-----END CERTIFICATE-----\n`,
        )
        .join(""),
    );
    const small = path.join(work, "one-ca.pem");
    writeFileSync(small, readFileSync(big, "utf8").split(/(?<=-----END CERTIFICATE-----\n)/)[0]!);
    const conf = (ca: string) =>
      `events {}\nhttp {\n  server {\n    listen 443 ssl;\n    ssl_certificate /etc/ssl/site.pem;\n    ssl_certificate_key /etc/ssl/site.key;\n    ssl_client_certificate ${ca};\n    ssl_verify_client on;\n  }\n}\n`;
    writeFileSync(path.join(work, "nginx-big.conf"), conf(big));
    writeFileSync(path.join(work, "nginx-small.conf"), conf(small));

    const breaks = runStep(checkStep!, { config: "nginx-big.conf", args: "" }, path.join(work, "out-big"));
    expect(breaks.code, breaks.stderr).toBe(1);
    expect(breaks.outputs["exit-code"]).toBe("1");
    const json = JSON.parse(readFileSync(breaks.outputs.json!, "utf8"));
    expect(json.configuredServer).toBe("nginx");
    expect(json.advertised.bytes).toBeGreaterThan(65_535);
    expect(breaks.stdout).toContain("nginx-big.conf");

    const fine = runStep(checkStep!, { config: "nginx-small.conf", args: "" }, path.join(work, "out-small"));
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.outputs["exit-code"]).toBe("0");
    expect(JSON.parse(readFileSync(fine.outputs.json!, "utf8")).advertised.count).toBe(1);

    const bad = runStep(checkStep!, { config: "missing.conf", args: "" }, path.join(work, "out-bad"));
    expect(bad.code).toBe(2);
    expect(bad.outputs["exit-code"]).toBe("2");
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  }, 400_000);

  it("runs from / with no TypeScript loader: --help, check, roots list, check by snapshot name", () => {
    const help = rootload(["--help"]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: rootload <command>/);
    // Installed: compiled JavaScript only (dist/), no sources, no tsx at start.
    const pkg = path.join(prefix, "lib/node_modules/rootload");
    expect(readdirSync(pkg)).not.toContain("harness");
    const check = rootload(["check", path.join(work, "one-ca.pem"), "--json"]);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).advertised.count).toBe(1);
    // The shipped data travels in the package: the same snapshots, the same answer as the checkout's.
    const list = rootload(["roots", "list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^microsoft:2025-06-16 +514 /m);
    const named = rootload(["check", "microsoft:2025-06-16", "--json"]);
    const fromRepo = spawnSync(
      process.execPath,
      [path.join(repoRoot, "bin/rootload.js"), "check", "microsoft:2025-06-16", "--json"],
      {
        cwd: repoRoot,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(named.code, named.stderr).toBe(1);
    expect(fromRepo.status, fromRepo.stderr).toBe(1);
    expect(named.stdout).toBe(fromRepo.stdout);
  }, 180_000);

  it("runs a scenario written in the user's own folder (ESM .ts, CommonJS .js), importing rootload by name", () => {
    const dir = path.join(work, "my-project");
    mkdirSync(dir);
    const body = `{
  name: "installed",
  runtime: "process",
  servers: [{ driver: "node", tls: ["1.3"] }],
  roots: { source: { kind: "synthetic", count: 10 }, sizes: [10] },
  clients: ["node"],
  expect: [{ outcome: "ok" }],
}`;
    // No package.json and no node_modules beside it: tsx takes the .ts for CommonJS, and "rootload"
    // resolves to the running package.
    writeFileSync(
      path.join(dir, "my.scenario.ts"),
      `import { defineScenario, type Scenario } from "rootload";\nconst s: Scenario = ${body};\nexport default defineScenario(s);\n`,
    );
    writeFileSync(
      path.join(dir, "cjs.scenario.js"),
      `const { defineScenario } = require("rootload");\nmodule.exports = defineScenario(${body.replace('"installed"', '"installed-cjs"')});\n`,
    );
    for (const f of ["my.scenario.ts", "cjs.scenario.js"]) {
      const r = rootload(["run", f, "--out", "results", "--quiet"], dir);
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toMatch(/1 cases → results\//);
    }
  }, 240_000);

  it("init writes a scenario that runs as written in any folder", async () => {
    const dir = path.join(work, "init-here");
    mkdirSync(dir);
    // A running endpoint that asks for a client certificate, for init --endpoint to point at.
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-keyout",
        path.join(work, "ep.key"),
        "-out",
        path.join(work, "ep.pem"),
      ],
      { stdio: "ignore" },
    );
    // An HTTPS endpoint (init now picks curl, java and go too, which send a request after the
    // handshake): it asks for a client certificate and answers every request.
    const server = createServer(
      {
        key: readFileSync(path.join(work, "ep.key")),
        cert: readFileSync(path.join(work, "ep.pem")),
        requestCert: true,
        rejectUnauthorized: false,
      },
      (_req, res) => res.end("ok\n"),
    );
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const init = rootload(["init", "--endpoint", `127.0.0.1:${port}`, "-o", "."], dir);
      expect(init.code, init.stderr).toBe(0);
      const text = readFileSync(path.join(dir, "endpoint.scenario.ts"), "utf8");
      expect(text).toContain(`import { defineScenario } from "rootload";`);
      const r = await rootloadAsync(["run", "endpoint.scenario.ts", "--out", "results", "--quiet"], dir);
      expect(r.code, r.stderr).toBe(0);
      const cases = readFileSync(
        path.join(dir, "results", readdirSync(path.join(dir, "results"))[0]!, "cases.jsonl"),
        "utf8",
      )
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { client: string; outcome: { class: string } });
      expect(cases.length).toBeGreaterThan(0);
      expect(cases.every((c) => c.outcome.class === "ok")).toBe(true);
    } finally {
      server.close();
    }
  }, 240_000);
});
