import { InputError } from "../errors.ts";
import type { RuntimeChoice } from "../model/names.ts";
import { ContainerRuntime, containerEngineReady } from "./container-runtime.ts";
import { ProcessRuntime } from "./process-runtime.ts";
import type { Runtime } from "./runtime.ts";

/**
 * The runtime to use. `auto` = containers when the engine answers and the server image exists,
 * otherwise local processes. `container` throws EngineError when either is missing.
 */
export async function resolveRuntime(choice: RuntimeChoice = "auto"): Promise<Runtime> {
  switch (choice) {
    case "container":
      return ContainerRuntime.create();
    case "process":
      return new ProcessRuntime();
    case "auto":
      return (await containerEngineReady()).ok ? ContainerRuntime.create() : new ProcessRuntime();
    default:
      throw new InputError("runtime", `"${choice as string}" is not one of auto, container, process`);
  }
}
