import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRIVER_NAMES } from "../../../harness/model/names.ts";
import { sharedTestPki, type TestPki } from "../../../harness/pki/test-pki.ts";
import type { RootStore } from "../../../harness/roots/root-store.ts";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";
import type { Runtime } from "../../../harness/runtime/runtime.ts";
import { DRIVERS } from "../../../harness/servers/drivers/registry.ts";
import { storeOfBytes } from "../../fixtures/exact-size-roots.ts";
import { requireHere } from "../../support/require-here.ts";
import { accepts } from "./wire.ts";

/** A listener on a port the kernel picked: what another socket taking the port looks like. */
async function occupiedPort(): Promise<{ port: number; holder: Server }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const addr = holder.address();
  return { port: typeof addr === "object" && addr ? addr.port : 0, holder };
}

/** The real runtime, except that its port picks hand out `taken` first (then real free ports). */
function runtimeHandingOut(runtime: Runtime, taken: number[]): Runtime & { picks: number[] } {
  const picks: number[] = [];
  return new Proxy(runtime, {
    get: (target, prop, receiver) => {
      if (prop === "picks") return picks;
      if (prop === "freePort")
        return async () => {
          const p = taken.shift() ?? (await target.freePort());
          picks.push(p);
          return p;
        };
      // The runtime's own methods run on the runtime itself (its #private fields).
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  }) as Runtime & { picks: number[] };
}

describe("a port taken between pick and bind (process runtime)", () => {
  const runtime = new ProcessRuntime();
  let pki: TestPki;
  let store: RootStore;
  const holders: Server[] = [];
  beforeAll(async () => {
    pki = await sharedTestPki();
    store = await storeOfBytes(2_000, [pki.clientIssuerEntry]);
  });
  afterAll(async () => {
    for (const h of holders) h.close();
    await runtime.close();
  });
  const occupy = async () => {
    const o = await occupiedPort();
    holders.push(o.holder);
    return o.port;
  };

  // Every driver: each words the failed bind its own way, and each must be recognised.
  for (const name of DRIVER_NAMES)
    it(`${name}: retried once on a freshly picked port, and serves there`, async ({ skip }) => {
      const driver = DRIVERS[name];
      const a = await driver.available(runtime);
      requireHere({ skip }, name, a.ok ? undefined : a.reason);
      const taken = await occupy();
      const rt = runtimeHandingOut(runtime, [taken]);
      const policy = driver.capabilities.all["1.2"].supported
        ? { kind: "all" as const }
        : { kind: "none" as const };
      await using server = await driver.start(
        { store, policy, tls: ["1.2"], clientAuth: "require", pki },
        rt,
      );
      expect(rt.picks.length).toBe(2);
      expect(rt.picks[0]).toBe(taken);
      expect(server.port).toBe(rt.picks[1]);
      expect(server.port).not.toBe(taken);
      expect(await accepts(server, "1.2", pki.client)).toBe("accepted");
    });

  it("a second taken port is not retried again: the start fails and names the bind error", async () => {
    const rt = runtimeHandingOut(runtime, [await occupy(), await occupy()]);
    await expect(
      DRIVERS.openssl.start({ store, policy: { kind: "all" }, tls: ["1.2"], clientAuth: "require", pki }, rt),
    ).rejects.toThrow(/address already in use/i);
    expect(rt.picks.length).toBe(2);
  });
});
