import { describe } from "vitest";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { driverSuite } from "./driver-suite.ts";

describe("servers as local processes", () => {
  driverSuite(async () => new ProcessRuntime(), [], {
    // As root, PostgreSQL runs as user postgres, which cannot enter the 0700 state folder (issue 10).
    postgres: "user postgres cannot enter root's 0700 state folder (open: issues 10/12)",
  });
});
