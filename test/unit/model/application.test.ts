import { describe, expect, it } from "vitest";
import {
  APPLICATION_PROTOCOLS,
  applicationStep,
  CLIENT_APPLICATION_STEPS,
  defaultApplication,
} from "../../../harness/model/application.ts";
import { SPEAKS_STARTTLS } from "../../../harness/model/client-spec.ts";
import { CLIENT_NAMES, DRIVER_NAMES } from "../../../harness/model/names.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";

describe("application steps: what each client says after its handshake", () => {
  it("every driver declares its protocol: web servers http, the STARTTLS ones their own, stunnel's cat none", () => {
    const by = Object.fromEntries(DRIVER_NAMES.map((n) => [n, DRIVERS[n].application]));
    expect(by).toMatchObject({
      postgres: "postgres",
      mariadb: "mysql",
      stunnel: "none",
      nginx: "http",
      openssl: "http",
    });
    for (const n of DRIVER_NAMES) expect(APPLICATION_PROTOCOLS, n).toContain(DRIVERS[n].application);
  });

  it("a client meets a protocol with its own step, else silence; curl cannot be silent", () => {
    expect(applicationStep("java", "http")).toBe("http");
    expect(applicationStep("java", "none")).toBe("none");
    expect(applicationStep("java", "mysql")).toBe("none");
    expect(applicationStep("node", "mysql")).toBe("mysql");
    expect(applicationStep("node", "http")).toBe("none");
    expect(applicationStep("curl", "none")).toBeUndefined();
    expect(applicationStep("curl", "mysql")).toBeUndefined();
    expect(applicationStep("curl", "smtp")).toBe("smtp");
    expect(defaultApplication(undefined)).toBe("http");
    expect(defaultApplication("mysql")).toBe("mysql");
  });

  it("every client that runs a STARTTLS prelude has a step for that protocol's server", () => {
    for (const c of CLIENT_NAMES)
      for (const p of SPEAKS_STARTTLS[c])
        expect(applicationStep(c, defaultApplication(p)), `${c} behind ${p}`).toBeDefined();
    expect(Object.keys(CLIENT_APPLICATION_STEPS).sort()).toEqual([...CLIENT_NAMES].sort());
  });
});
