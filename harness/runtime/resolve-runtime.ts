import { InputError } from "../errors.ts";
import type { RuntimeChoice } from "../model/names.ts";
import { ProcessRuntime } from "./process-runtime.ts";
import type { Runtime } from "./runtime.ts";

/**
 * The container runtime, loaded on first use: testcontainers and its engine client take about
 * 0.6 s of CPU to import, which a run of local processes (or a CLI call that stops at bad input)
 * should not pay.
 */
const containers = () => import("./container-runtime.ts");

/**
 * The runtime to use. `auto` = containers when the engine answers and the server image exists,
 * otherwise local processes. `container` throws EngineError when either is missing.
 */
export async function resolveRuntime(choice: RuntimeChoice = "auto"): Promise<Runtime> {
  switch (choice) {
    case "container":
      return (await containers()).ContainerRuntime.create();
    case "process":
      return new ProcessRuntime();
    case "auto": {
      const { ContainerRuntime, containerEngineReady } = await containers();
      return (await containerEngineReady()).ok ? ContainerRuntime.create() : new ProcessRuntime();
    }
    default:
      throw new InputError("runtime", `"${choice as string}" is not one of auto, container, process`);
  }
}
