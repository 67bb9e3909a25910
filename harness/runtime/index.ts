/** Where servers run: containers of the locally built image, or local processes. */

export { ContainerRuntime, containerEngineReady, DEFAULT_IMAGE } from "./container-runtime.ts";
export { ProcessRuntime } from "./process-runtime.ts";
export { resolveRuntime } from "./resolve-runtime.ts";
export type {
  Availability,
  ExecResult,
  Launched,
  LaunchSpec,
  ReadyCheck,
  Runtime,
  RuntimeKind,
} from "./runtime.ts";
