import { describe, expect, it } from "vitest";
import { liveWorkers } from "../../../harness/servers/driver-server.ts";
import { haproxyDriver } from "../../../harness/servers/drivers/haproxy.ts";
import { nginxDriver } from "../../../harness/servers/drivers/nginx.ts";

const workersOf = (d: typeof nginxDriver) => {
  const r = d.definition!.reload;
  if (r.kind !== "command" || !r.workers) throw new Error(`${d.name} names no workers`);
  return r.workers;
};

describe("liveWorkers: which workers a reload must see leave", () => {
  it("nginx: a straggler of a doubled reload is not taken for this reload's acknowledgment", () => {
    // Captured shape of nginx 1.22's notice log: start, then a reload signalled twice.
    const log = [
      "2026/11/28 08:50:01 [notice] 1#1: start worker process 9",
      "2026/11/28 08:50:05 [notice] 1#1: signal 1 (SIGHUP) received from 20, reconfiguring",
      "2026/11/28 08:50:05 [notice] 1#1: start worker process 21",
      "2026/11/28 08:50:06 [notice] 1#1: signal 1 (SIGHUP) received from 25, reconfiguring",
      "2026/11/28 08:50:06 [notice] 1#1: start worker process 27",
      "2026/11/28 08:50:06 [notice] 1#1: worker process 9 exited with code 0",
    ].join("\n");
    const w = workersOf(nginxDriver);
    // Worker 21 is still leaving: the next reload waits for 21 and 27, not for any "exited" line.
    expect(liveWorkers(log, w.started, w.exited)).toEqual(["21", "27"]);
    // A pid that is a prefix of another is not confused with it.
    expect(liveWorkers(`${log}\n[notice] 1#1: worker process 211 exited`, w.started, w.exited)).toEqual([
      "21",
      "27",
    ]);
  });

  it("haproxy: workers forked by the master and not reported exited", () => {
    const log = [
      "[NOTICE]   (20470) : New worker (20473) forked",
      "[NOTICE]   (20470) : Loading success.",
      "[NOTICE]   (20470) : Reloading HAProxy",
      "[NOTICE]   (20470) : New worker (20499) forked",
      "[WARNING]  (20470) : Former worker (20473) exited with code 0 (Exit)",
    ].join("\n");
    const w = workersOf(haproxyDriver);
    expect(liveWorkers(log, w.started, w.exited)).toEqual(["20499"]);
  });
});
