/**
 * rootload's public API, what `import … from "rootload"` gives a scenario file: `defineScenario`
 * and the types that describe a scenario. Everything else under harness/ is internal.
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
