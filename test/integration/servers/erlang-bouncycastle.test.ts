import { describe } from "vitest";
import { ContainerRuntime } from "../../../harness/runtime/container-runtime.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { driverSuite } from "./driver-suite.ts";

/**
 * The Erlang/OTP ssl and BouncyCastle JSSE drivers through the whole driver suite in both runtimes
 * (the full suites in process-runtime.test.ts and container-runtime.test.ts run them too, with
 * every other driver): client accepted, stranger rejected, exact names advertised in the order
 * each writes them, in-place reload, the size limits of the limits table for the version found.
 * A missing erlang/BC package or image skips here and fails in CI.
 */
const DRIVERS = ["erlang", "bouncycastle"] as const;

describe("erlang and bouncycastle as local processes", () => {
  driverSuite(async () => new ProcessRuntime(), [], DRIVERS);
});

describe("erlang and bouncycastle in containers", () => {
  driverSuite(async () => ContainerRuntime.create(), [], DRIVERS);
});
