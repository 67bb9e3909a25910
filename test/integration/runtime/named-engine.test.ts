import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { namedEngineProblem } from "../../../harness/runtime/named-engine.ts";
import { runCli } from "../../support/cli.ts";
import { readCases, runDir, writeScenario } from "../../support/run-files.ts";

/** A TCP port on 127.0.0.1 that nothing listens on (bound, read, closed). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const tiny = (runtime: string) => ({
  name: `named-engine-${runtime}`,
  runtime,
  servers: [{ driver: "openssl", tls: ["1.2"] }],
  roots: { source: { kind: "synthetic", count: 4 }, sizes: [4] },
  clients: ["node"],
  bench: { time: 5, iterations: 1 },
});

/**
 * A user who names an engine (DOCKER_HOST) gets it or a one-line error, exit 3 (the engine could
 * not do its part, as for runtime "container" without one); nothing is written. testcontainers on
 * its own falls through to the local socket. And runtime "auto" says on stderr when it runs local
 * processes instead of containers.
 */
describe("the engine a user names", () => {
  for (const runtime of ["auto", "container"])
    for (const where of ["tcp", "unix"] as const)
      it(`DOCKER_HOST=${where}:// pointing at nothing, runtime "${runtime}": one line, exit 3, no run folder`, async () => {
        const url =
          where === "tcp"
            ? `tcp://127.0.0.1:${await deadPort()}`
            : "unix:///nonexistent/rootload-docker.sock";
        const { file, out } = await writeScenario(tiny(runtime), "named-engine");
        const r = await runCli(["run", file, "--out", out, "--quiet"], 60_000, { DOCKER_HOST: url });
        expect(r.code, r.stderr).toBe(3);
        const lines = r.stderr.trim().split("\n");
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toContain(`DOCKER_HOST "${url}": no container engine answers there`);
        expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
      });

  it("a well-formed DOCKER_HOST of another scheme is bad input: exit 2", async () => {
    const { file, out } = await writeScenario(tiny("auto"), "named-engine");
    const r = await runCli(["run", file, "--out", out, "--quiet"], 60_000, { DOCKER_HOST: "ssh://me@host" });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe(
      'rootload run: DOCKER_HOST: "ssh://me@host": only unix://, npipe:// and tcp:// engines are supported',
    );
  });

  it('runtime "auto" without the server image runs local processes and says so on stderr', async () => {
    const { file, out } = await writeScenario(tiny("auto"), "named-engine");
    const r = await runCli(["run", file, "--out", out, "--quiet"], 120_000, {
      ROOTLOAD_IMAGE: "rootload/not-built:nope",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^rootload run: runtime "auto": servers run as local processes, not in containers \((image rootload\/not-built:nope not found locally|container engine not reachable)/m,
    );
    expect(readCases(runDir(out))).toHaveLength(1);
  });

  it("the ping: the local engine's socket answers, nothing on a dead port does", async () => {
    expect(await namedEngineProblem({})).toBeUndefined();
    expect(await namedEngineProblem({ DOCKER_HOST: `tcp://127.0.0.1:${await deadPort()}` })).toMatch(
      /ECONNREFUSED/,
    );
  });
});
