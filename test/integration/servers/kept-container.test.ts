import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriverName } from "../../../harness/model/names.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import type { RootStore } from "../../../harness/roots/root-store.ts";
import { ContainerRuntime, containerEngineReady } from "../../../harness/runtime/container-runtime.ts";
import type { DriverServer } from "../../../harness/servers/driver-server.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { missingHere } from "../../support/require-here.ts";
import { advertised, entryCn } from "./wire.ts";

/** Ids of this run's containers, running or not. */
async function containersOf(runId: string): Promise<string[]> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const list = await docker.listContainers({ all: true, filters: { label: [`rootload.run=${runId}`] } });
  return list.map((c) => c.Id);
}

/**
 * A restart-type server (s_server; gnutls-serv behind the isolation relay) taking list after
 * list: one container for the whole series, the new process serving each new list (read from the
 * wire with openssl s_client), its own log per step, its exit watched, nothing left after stop.
 */
describe("restart-type servers keep one container for their series", () => {
  let runtime: ContainerRuntime | undefined;
  let pki: TestPki;
  let unavailable: string | undefined;
  const stores: RootStore[] = [];

  beforeAll(async () => {
    const ready = await containerEngineReady();
    unavailable = missingHere("container engine", ready.ok ? undefined : ready.reason);
    if (unavailable) return;
    runtime = await ContainerRuntime.create();
    pki = await sharedTestPki();
    // Different sizes, so each step's list is told apart from the one before on the wire.
    for (const bytes of [3_000, 6_000, 9_000, 12_000])
      stores.push(await storeOfBytes(bytes, [pki.clientIssuerEntry]));
  });
  afterAll(async () => {
    await runtime?.close();
  });

  for (const name of ["openssl", "gnutls"] as const satisfies readonly DriverName[]) {
    it(`${name}: ${4} steps, one container, each step's list on the wire`, async ({ skip }) => {
      if (unavailable) skip(unavailable);
      const rt = runtime!;
      const before = rt.containersStarted;
      const server = (await DRIVERS[name].start(
        { store: stores[0]!, policy: { kind: "all" }, tls: ["1.2", "1.3"], clientAuth: "require", pki },
        rt,
      )) as DriverServer;
      try {
        const [first] = await containersOf(rt.runId);
        const ready = name === "openssl" ? /^ACCEPT/gm : /listening on/gim;
        let readyLines: number | undefined;
        for (const [i, store] of stores.entries()) {
          if (i > 0) expect((await server.reload(store)).how).toBe("restart");
          const wire = await advertised(server, "1.2", pki.client);
          expect(wire.outcome, `step ${i}`).toBe("ok");
          expect(wire.cns, `step ${i}: the new list`).toEqual(store.entries.map(entryCn));
          // One log per step: the output is the current process's only, as long as the first step's.
          const lines = (await server.logs()).match(ready)?.length ?? 0;
          readyLines ??= lines;
          expect(lines, `step ${i}: ready lines`).toBe(readyLines);
          expect(await containersOf(rt.runId), `step ${i}`).toEqual([first]);
        }
        expect(rt.containersStarted - before).toBe(1);
      } finally {
        await server.stop();
      }
      expect(await server.isRunning()).toBe(false);
      expect(await containersOf(rt.runId)).toEqual([]);
    });
  }

  it("the lifetime cap ends the kept container, and the server in it with it", async ({ skip }) => {
    if (unavailable) skip(unavailable);
    const rt = runtime!;
    const was = process.env.ROOTLOAD_SERVER_LIFETIME_S;
    process.env.ROOTLOAD_SERVER_LIFETIME_S = "6";
    let server: DriverServer | undefined;
    try {
      server = (await DRIVERS.openssl.start(
        { store: stores[0]!, policy: { kind: "all" }, tls: ["1.2"], clientAuth: "require", pki },
        rt,
      )) as DriverServer;
      const [id] = await containersOf(rt.runId);
      expect(await server.isRunning()).toBe(true);
      // TERM at 6 s (KILL 5 s later): the exec'd server's stream ends with the container.
      const deadline = Date.now() + 30_000;
      while ((await server.isRunning()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
      expect(await server.isRunning()).toBe(false);
      // The exec'd server's stream can end a moment before the engine records the container's
      // exit (ci6 saw it still running at that instant): wait for it, within a bound.
      const docker = (await getContainerRuntimeClient()).container.dockerode;
      const stopBy = Date.now() + 15_000;
      while ((await docker.getContainer(id!).inspect()).State.Running && Date.now() < stopBy)
        await new Promise((r) => setTimeout(r, 250));
      expect((await docker.getContainer(id!).inspect()).State.Running).toBe(false);
    } finally {
      if (was === undefined) delete process.env.ROOTLOAD_SERVER_LIFETIME_S;
      else process.env.ROOTLOAD_SERVER_LIFETIME_S = was;
      await server?.stop();
    }
    expect(await containersOf(rt.runId)).toEqual([]);
  });

  it("a server that exits is seen as stopped and started again in the same container", async ({ skip }) => {
    if (unavailable) skip(unavailable);
    const rt = runtime!;
    const before = rt.containersStarted;
    const server = (await DRIVERS.openssl.start(
      { store: stores[0]!, policy: { kind: "all" }, tls: ["1.2"], clientAuth: "require", pki },
      rt,
    )) as DriverServer;
    try {
      const [id] = await containersOf(rt.runId);
      const docker = (await getContainerRuntimeClient()).container.dockerode;
      // Kill the server (not the container) from inside: its exit must be noticed without a probe.
      const exec = await docker.getContainer(id!).exec({ Cmd: ["pkill", "-KILL", "-x", "openssl"] });
      await exec.start({ hijack: true, stdin: false }).then(
        (s) =>
          new Promise((r) => {
            s.on("end", r);
            s.on("close", r);
            s.resume();
          }),
      );
      const deadline = Date.now() + 5_000;
      while ((await server.isRunning()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await server.isRunning()).toBe(false);
      await server.reload(stores[1]!);
      expect(await server.isRunning()).toBe(true);
      expect((await advertised(server, "1.2", pki.client)).cns).toEqual(stores[1]!.entries.map(entryCn));
      expect(await containersOf(rt.runId)).toEqual([id]);
      expect(rt.containersStarted - before).toBe(1);
    } finally {
      await server.stop();
    }
    expect(await containersOf(rt.runId)).toEqual([]);
  });
});
