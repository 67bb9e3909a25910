import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import { probe } from "../../../harness/probe/probe.ts";
import { loadCtl } from "../../../harness/roots/load-ctl.ts";
import { nameKey, type RootStore } from "../../../harness/roots/root-store.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import { STATE_DIR } from "../../../harness/runtime/runtime.ts";
import type { DriverServer } from "../../../harness/servers/driver-server.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import { rootstores } from "../../support/repo-root.ts";
import { requireHere } from "../../support/require-here.ts";

// Go's certificate pool leaves out a root it cannot parse: on every Microsoft list from 2012-11 to
// 2016-01 Caddy advertises one name fewer than configured. The served check after a reload used
// to wait for the planned count, so such a reload ended in an engine error after 15 s; it now
// reads the list's content (test/unit/servers/served-check.test.ts has the rules).
const SNAPSHOTS = ["2012-11-02", "2013-03-21", "2016-01-28", "2012-11-02"];

describe("a server that leaves out roots it cannot parse (caddy, process runtime)", () => {
  const runtime = new ProcessRuntime();
  let pki: TestPki;
  const stores = new Map<string, RootStore>();
  let unavailable: string | undefined;
  beforeAll(async () => {
    pki = await sharedTestPki();
    const a = await DRIVERS.caddy.available(runtime);
    if (!a.ok) unavailable = a.reason;
    for (const date of new Set(SNAPSHOTS)) {
      const ctl = loadCtl({ kind: "ctl", path: path.join(rootstores, `microsoft/${date}/authroot.stl`) });
      stores.set(date, ctl.withEntries([...ctl.entries, pki.clientIssuerEntry]));
    }
  });
  afterAll(() => runtime.close());

  it("reloads in place from list to list, each confirmed on the wire with the names it left out", async ({
    skip,
  }) => {
    requireHere({ skip }, "caddy", unavailable);
    const [first, ...rest] = SNAPSHOTS;
    await using server = (await DRIVERS.caddy.start(
      {
        store: stores.get(first!)!,
        policy: { kind: "all" },
        tls: ["1.2", "1.3"],
        clientAuth: "require",
        pki,
      },
      runtime,
    )) as DriverServer;
    const pid = () => readFileSync(path.join(server.dir, STATE_DIR, "caddy.pid"), "utf8").trim();
    const startPid = pid();
    for (const date of rest) {
      const store = stores.get(date)!;
      const report = await server.reload(store, { kind: "all" });
      expect(report.how, date).toBe("in-place");
      expect(pid(), `${date}: same process`).toBe(startPid);
      expect(report.servedCheck, date).toMatchObject({ kind: "probed", leftOut: 1 });
      // What the probe reads now is this list's names but one, whatever was served before.
      const r = await probe({ host: server.host, port: server.port, tls: "1.3", timeoutMs: 5_000 });
      const served = new Set(r.certificateRequest!.authorities.map((a) => nameKey(a.der)));
      const planned = new Set(store.entries.map((e) => nameKey(e.subjectDer)));
      expect(
        [...served].filter((k) => !planned.has(k)),
        `${date}: names from elsewhere`,
      ).toEqual([]);
      expect(planned.size - served.size, `${date}: names left out`).toBe(1);
    }
  }, 120_000);
});
