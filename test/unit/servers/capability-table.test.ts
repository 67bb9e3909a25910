import { describe, expect, it } from "vitest";
import { DRIVER_NAMES } from "../../../harness/model/names.ts";
import { POLICY_KINDS } from "../../../harness/model/policy.ts";
import { TLS_VERSIONS } from "../../../harness/model/tls.ts";
import { capabilityTable } from "../../../harness/servers/capability-table.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";

describe("capabilities", () => {
  it("every driver states every policy × TLS version", () => {
    for (const n of DRIVER_NAMES)
      for (const p of POLICY_KINDS)
        for (const v of TLS_VERSIONS) expect(DRIVERS[n].capabilities[p][v]).toBeTruthy();
  });

  it("gnutls-serv cannot split advertised and trusted names", () => {
    expect(DRIVERS.gnutls.capabilities.none["1.3"].supported).toBe(false);
    expect(DRIVERS.gnutls.capabilities["truncate-bytes"]["1.2"].supported).toBe(false);
    expect(DRIVERS.nginx.capabilities.none["1.3"].supported).toBe(true);
  });

  it("renders one row per driver and TLS version, with versions", () => {
    const md = capabilityTable({
      drivers: DRIVER_NAMES.map((n) => DRIVERS[n]),
      versions: { nginx: { nginx: "1.22.1-9+deb12u11" } },
      source: "test",
    });
    const rows = md.split("\n").filter((l) => /^\| (\*\*[\w-]+\*\*)? \|/.test(l));
    expect(rows).toHaveLength(DRIVER_NAMES.length * TLS_VERSIONS.length);
    expect(md).toContain("nginx 1.22.1-9+deb12u11");
  });
});
