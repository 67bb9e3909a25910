/**
 * rootload's public API, what `import … from "rootload"` gives a scenario file (`defineScenario`)
 * and a `rootload watch` targets file (`defineTargets`), with the types that describe them.
 * Everything else under harness/ is internal.
 */
export type {
  BenchSpec,
  BisectSpec,
  BisectUntil,
  CaseSelector,
  ClientEntry,
  ClientOptions,
  Expectation,
  IdentitySpec,
  RootSourceSpec,
  RootsSpec,
  Scenario,
  ServerSpec,
} from "./scenario/define-scenario.ts";
export { defineScenario } from "./scenario/define-scenario.ts";
export type { TargetSpec, TargetsFile } from "./watch/define-targets.ts";
export { defineTargets } from "./watch/define-targets.ts";
