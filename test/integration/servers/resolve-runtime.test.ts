import { describe, expect, it } from "vitest";
import { EngineError, InputError } from "../../../harness/errors.ts";
import type { RuntimeChoice } from "../../../harness/model/names.ts";
import { ContainerRuntime } from "../../../harness/runtime/container-runtime.ts";
import { resolveRuntime } from "../../../harness/runtime/resolve-runtime.ts";

describe("resolveRuntime", () => {
  it("auto picks containers when the engine answers and the image exists", async () => {
    const rt = await resolveRuntime("auto");
    try {
      expect(rt.kind).toBe("container");
    } finally {
      await rt.close();
    }
  });

  it("process is always available", async () => {
    const rt = await resolveRuntime("process");
    try {
      expect(rt.kind).toBe("process");
      expect((await rt.hasBinary("openssl")).ok).toBe(true);
    } finally {
      await rt.close();
    }
  });

  it("never pulls: a missing image is an EngineError naming `npm run images`", async () => {
    const err = await ContainerRuntime.create("rootload/not-built:nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toContain("npm run images");
  });

  it("rejects an unknown choice", async () => {
    await expect(resolveRuntime("docker" as RuntimeChoice)).rejects.toBeInstanceOf(InputError);
  });
});
