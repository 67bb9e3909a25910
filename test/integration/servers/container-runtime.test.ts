import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, describe, expect, it } from "vitest";
import { ContainerRuntime } from "../../../harness/runtime/container-runtime.ts";
import { driverSuite } from "./driver-suite.ts";

let runtime: ContainerRuntime | undefined;

describe("servers in containers", () => {
  driverSuite(async () => {
    runtime = await ContainerRuntime.create();
    return runtime;
  });
});

describe("after the container suite", () => {
  afterAll(async () => {
    // driverSuite's afterAll closed the runtime; nothing of this run may remain.
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`rootload.run=${runtime?.runId}`] },
    });
    expect(left.map((c) => c.Id)).toEqual([]);
  });
  it("ran with a container runtime", () => {
    expect(runtime?.runId).toMatch(/^[0-9a-f]{8}$/);
  });
});
