import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { rootstores as ROOTSTORES } from "../support/repo-root.ts";

/** Bad input through the real CLI: one line naming the file or field, exit 2, nothing written. */
function expectOneLineError(r: { code: number | null; stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  const text = r.stderr.trim();
  expect(text.split("\n")).toHaveLength(1);
  expect(text).toMatch(pattern);
  expect(text).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
}

describe("bad input through the CLI", () => {
  it("a corrupt CTL: one line naming the file, exit 2, no output file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-bad-"));
    const ctl = path.join(dir, "authroot.stl");
    const real = await readFile(path.join(ROOTSTORES, "microsoft/2025-06-16/authroot.stl"));
    await writeFile(ctl, real.subarray(0, 5000));
    const out = path.join(dir, "out.pem");
    const r = await runCli(["roots", "export", ctl, "--format", "pem", "-o", out]);
    expectOneLineError(r, /authroot\.stl/);
    expect(existsSync(out)).toBe(false);
    await writeFile(ctl, randomBytes(3000));
    expectOneLineError(await runCli(["roots", "inspect", ctl]), /authroot\.stl/);
  });

  it("a PEM bundle with a broken certificate", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-bad-"));
    const pem = path.join(dir, "bundle.pem");
    await writeFile(pem, "-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n");
    expectOneLineError(await runCli(["roots", "inspect", pem]), /bundle\.pem/);
    await writeFile(pem, "");
    expectOneLineError(await runCli(["roots", "inspect", pem]), /bundle\.pem/);
  });

  it("a scenario with a wrong field and an unknown key: every problem on one line, nothing in results", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-bad-"));
    const file = path.join(dir, "bad.scenario.json");
    await writeFile(
      file,
      JSON.stringify({
        name: "bad",
        servers: [{ driver: "ngnix" }],
        roots: { source: { kind: "builtin" } },
        colour: 1,
      }),
    );
    const out = path.join(dir, "results");
    const r = await runCli(["run", file, "--out", out]);
    expectOneLineError(
      r,
      /bad\.scenario\.json: servers\[0\]\.driver "ngnix" is not one of nginx.*colour is not a known field/,
    );
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it("a STARTTLS server paired with a client that cannot run its prelude: one line, exit 2, nothing in results", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-bad-"));
    const file = path.join(dir, "pg.scenario.json");
    await writeFile(
      file,
      JSON.stringify({
        name: "pg",
        servers: [{ driver: "postgres" }],
        roots: { source: { kind: "builtin" } },
        clients: ["node", "java"],
      }),
    );
    const out = path.join(dir, "results");
    expectOneLineError(
      await runCli(["run", file, "--out", out]),
      /pg\.scenario\.json: clients\[1\] "java" cannot run the postgres STARTTLS prelude that servers\[0\]\.driver "postgres" \(STARTTLS postgres\) needs \(clients that can: node, forge, openssl, gnutls\)$/,
    );
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it("a bisect the scenario cannot run: one line naming the field and value, exit 2, nothing in results", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-bad-"));
    const file = path.join(dir, "b.scenario.json");
    const out = path.join(dir, "results");
    const run = async (bisect: unknown) => {
      await writeFile(
        file,
        JSON.stringify({
          name: "b",
          runtime: "process",
          servers: [{ driver: "openssl" }],
          roots: { source: { kind: "synthetic", count: 50 }, bisect },
        }),
      );
      return runCli(["run", file, "--out", out]);
    };
    expectOneLineError(
      await run({ from: 40, to: 20 }),
      /b\.scenario\.json: roots\.bisect\.to 20 is not greater than roots\.bisect\.from 40/,
    );
    expectOneLineError(
      await run({ from: 10, to: 20, by: "kb" }),
      /roots\.bisect\.by "kb" is not one of names, bytes/,
    );
    // Shape-valid, but the source holds 50 roots and no synthetic top-up was allowed: found when
    // the ends are built, before the run folder exists.
    expectOneLineError(
      await run({ from: 10, to: 80 }),
      /roots\.bisect\.to.*80 exceeds the 50 roots.*roots\.topUpSynthetic/,
    );
    expectOneLineError(
      await run({ by: "bytes", from: 10, to: 900 }),
      /roots\.bisect\.from.*10 B is smaller than the client issuer/,
    );
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 120_000);

  it("a scenario whose root source is corrupt writes nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-bad-"));
    const pem = path.join(dir, "roots.pem");
    await writeFile(pem, randomBytes(2000));
    const file = path.join(dir, "c.scenario.json");
    await writeFile(
      file,
      JSON.stringify({
        name: "c",
        servers: [{ driver: "openssl" }],
        roots: { source: { kind: "pem", path: "roots.pem" } },
      }),
    );
    const out = path.join(dir, "results");
    expectOneLineError(await runCli(["run", file, "--out", out]), /roots\.pem/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it("bad flags and addresses", async () => {
    expectOneLineError(
      await runCli(["run", "scenarios/quickstart.scenario.ts", "--shard", "3/2"]),
      /--shard.*3\/2/,
    );
    expectOneLineError(await runCli(["run", "scenarios/quickstart.scenario.ts", "--colour"]), /colour/);
    expectOneLineError(await runCli(["probe", "127.0.0.1:notaport"]), /notaport/);
    expectOneLineError(await runCli(["roots", "inspect"]), /roots/);
  });

  it("an unreachable server is a result, not a crash: probe exits 1 with a named class", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runCli(["probe", `127.0.0.1:${port}`, "--json", "--timeout", "2000"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).outcome.class).toMatch(/reset|timeout|server-error/);
  });
});

describe("no key material leaves the harness", () => {
  it("results and reports of a run contain no private key", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-keys-"));
    const scenario = path.join(dir, "k.scenario.json");
    await writeFile(
      scenario,
      JSON.stringify({
        name: "keys",
        runtime: "process",
        servers: [{ driver: "openssl", tls: ["1.3"] }],
        roots: { source: { kind: "builtin" } },
        clients: ["node", "openssl"],
        bench: { time: 20, iterations: 2 },
      }),
    );
    const r = await runCli(["run", scenario, "--out", path.join(dir, "results")]);
    expect(r.code, r.stderr).toBe(0);
    const [runDir] = readdirSync(path.join(dir, "results")).map((d) => path.join(dir, "results", d));
    const files = readdirSync(runDir!);
    expect(files).toEqual(
      expect.arrayContaining(["cases.jsonl", "manifest.json", "report.html", "summary.md", "junit.xml"]),
    );
    for (const f of files) {
      const text = await readFile(path.join(runDir!, f), "utf8");
      expect(text, f).not.toMatch(/PRIVATE KEY|BEGIN RSA|BEGIN EC/);
    }
    expect(r.stdout + r.stderr).not.toMatch(/PRIVATE KEY/);
  }, 120_000);
});
