import { describe } from "vitest";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { driverSuite } from "./driver-suite.ts";

describe("servers as local processes", () => {
  driverSuite(async () => new ProcessRuntime());
});
