import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { sharedTestPki } from "../../../harness/pki/test-pki.ts";
import { syntheticStore } from "../../../harness/roots/synthetic.ts";
import { awaitQuiet, runCpu } from "../../../harness/run/sampling-windows.ts";
import { ContainerRuntime } from "../../../harness/runtime/container-runtime.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";

const exec = promisify(execFile);

/**
 * A latency window waits for the run's containers too: their processes belong to the engine, not
 * to the harness, so only their cgroup shows that a server is still busy (here: a loop started
 * inside the server's container, as a reload's aftermath would be).
 */
describe("sampling windows and containers", () => {
  it("see a busy server container and wait until it is idle again", async () => {
    const runtime = await ContainerRuntime.create();
    try {
      const pki = await sharedTestPki();
      const server = await DRIVERS.openssl.start(
        {
          store: syntheticStore({ kind: "synthetic", count: 5 }),
          policy: { kind: "all" },
          tls: ["1.2", "1.3"],
          clientAuth: "require",
          pki,
        },
        runtime,
      );
      try {
        const keys = [...runtime.cpuTimes().cpu.keys()];
        expect(keys).toHaveLength(1);
        const id = keys[0]!.replace(/^cg:/, "");
        expect((await awaitQuiet(() => runCpu(runtime))).quiet).toBe(true);
        // Busy for 8 s inside the container (the image's shell; the engine runs it, not us).
        const busy = exec("docker", ["exec", id, "timeout", "8", "sh", "-c", "while :; do :; done"]).catch(
          () => {},
        );
        // `docker exec` takes a while to start on a loaded machine: wait until the loop runs.
        const cpu = () => runtime.cpuTimes().cpu.get(`cg:${id}`) ?? 0;
        const before = cpu();
        for (let i = 0; i < 100 && cpu() - before < 100; i++) await new Promise((r) => setTimeout(r, 50));
        const during = await awaitQuiet(() => runCpu(runtime), { lookMs: 25, maxShare: 0.1, timeoutMs: 200 });
        expect(during.quiet).toBe(false);
        await busy;
        expect(
          (await awaitQuiet(() => runCpu(runtime), { lookMs: 25, maxShare: 0.1, timeoutMs: 15_000 })).quiet,
        ).toBe(true);
      } finally {
        await server.stop();
      }
      expect(runtime.cpuTimes().cpu.size).toBe(0);
    } finally {
      await runtime.close();
    }
  });
});
