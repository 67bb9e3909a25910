import { EngineError, InputError } from "../errors.ts";
import type { RuntimeChoice } from "../model/names.ts";
import { namedEngineProblem } from "./named-engine.ts";
import { ProcessRuntime } from "./process-runtime.ts";
import type { Runtime } from "./runtime.ts";

/**
 * The container runtime, loaded on first use: testcontainers and its engine client take about
 * 0.6 s of CPU to import, which a run of local processes (or a CLI call that stops at bad input)
 * should not pay.
 */
const containers = () => import("./container-runtime.ts");

/** An engine the user named (DOCKER_HOST) is the one used, or the run stops: never another. */
async function requireNamedEngine(): Promise<void> {
  const why = await namedEngineProblem();
  if (why)
    throw new EngineError(
      `DOCKER_HOST "${process.env.DOCKER_HOST}": no container engine answers there (${why}); start it, or unset DOCKER_HOST for the local engine, or set runtime "process"`,
    );
}

/**
 * The runtime to use. `auto` = containers when the engine answers and the server image exists,
 * otherwise local processes, said through `onFallback` (the CLI writes it on stderr).
 * `container` throws EngineError when either is missing. An engine named by DOCKER_HOST that does
 * not answer is an EngineError for both, never a quiet switch to the local engine or to processes.
 */
export async function resolveRuntime(
  choice: RuntimeChoice = "auto",
  onFallback?: (why: string) => void,
): Promise<Runtime> {
  switch (choice) {
    case "container":
      await requireNamedEngine();
      return (await containers()).ContainerRuntime.create();
    case "process":
      return new ProcessRuntime();
    case "auto": {
      await requireNamedEngine();
      const { ContainerRuntime, containerEngineReady } = await containers();
      const ready = await containerEngineReady();
      if (ready.ok) return ContainerRuntime.create();
      onFallback?.(`runtime "auto": servers run as local processes, not in containers (${ready.reason})`);
      return new ProcessRuntime();
    }
    default:
      throw new InputError("runtime", `"${choice as string}" is not one of auto, container, process`);
  }
}
