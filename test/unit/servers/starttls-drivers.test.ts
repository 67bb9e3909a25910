import { describe, expect, it } from "vitest";
import { DRIVER_NAMES } from "../../../harness/model/names.ts";
import { DRIVER_STARTTLS } from "../../../harness/model/starttls.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";

describe("STARTTLS drivers", () => {
  it("the model's table (read by the scenario validator) agrees with each driver's own starttls", () => {
    for (const n of DRIVER_NAMES) expect(DRIVER_STARTTLS[n], n).toBe(DRIVERS[n].starttls);
    expect(DRIVER_STARTTLS.postgres).toBe("postgres");
  });
});
