import { join } from "node:path";
import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedTestPki } from "../../harness/pki/test-pki.ts";
import { CONTAINER_LIMITS, ContainerRuntime } from "../../harness/runtime/container-runtime.ts";
import { DRIVERS } from "../../harness/servers/drivers/registry.ts";
import { storeOfBytes } from "../fixtures/exact-size-roots.ts";

/** What a server container runs with: the engine's own view of it (docker inspect). */
describe("server containers are confined", () => {
  let runtime: ContainerRuntime;
  beforeAll(async () => {
    runtime = await ContainerRuntime.create();
  });
  afterAll(() => runtime?.close());

  for (const name of ["nginx", "haproxy"] as const) {
    it(`${name}: no capabilities but its own, no new privileges, memory and pids limits, read-only inputs, the invoking user`, async () => {
      const pki = await sharedTestPki();
      const server = await DRIVERS[name].start(
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
        const docker = (await getContainerRuntimeClient()).container.dockerode;
        const [c] = await docker.listContainers({
          filters: { label: [`rootload.run=${runtime.runId}`, `rootload.driver=${name}`] },
        });
        const info = await docker.getContainer(c!.Id).inspect();
        const uid = process.getuid!();
        expect(info.Config.User).toBe(`${uid}:${process.getgid!()}`);
        expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
        const added = info.HostConfig.CapAdd ?? [];
        if (uid === 0 && name === "nginx")
          expect(added.sort()).toEqual(["CHOWN", "KILL", "SETGID", "SETUID"]);
        else expect(added).toEqual([]);
        expect(info.HostConfig.SecurityOpt).toContain("no-new-privileges");
        expect(info.HostConfig.Memory).toBe(CONTAINER_LIMITS.memoryBytes);
        expect(info.HostConfig.PidsLimit).toBe(CONTAINER_LIMITS.pids);
        const dir = (server as unknown as { dir: string }).dir;
        const mounts = Object.fromEntries(info.Mounts.map((m) => [m.Destination, m.RW]));
        expect(mounts).toEqual({ [dir]: false, [join(dir, "state")]: true });
        // The server reloads (writes only into state/) and still serves.
        await server.reload(await storeOfBytes(3_000, [pki.clientIssuerEntry]), { kind: "all" });
        expect(await server.isRunning()).toBe(true);
        // Whether the engine enforces the memory limit is known and recorded.
        expect(typeof runtime.limits().memoryEnforced).toBe("boolean");
      } finally {
        await server.stop();
      }
    }, 120_000);
  }
});
