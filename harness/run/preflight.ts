import type { Scenario } from "../scenario/define-scenario.ts";
import { parseAddress } from "../scenario/server-rules.ts";
import { checkEndpointReachable } from "../servers/endpoint-server.ts";

/**
 * Checks that turn a run that could only fail into bad input (exit 2) before the run directory
 * exists: every endpoint answers on TCP.
 */
export async function preflight(scenario: Scenario, file: string, timeoutMs: number): Promise<void> {
  await Promise.all(
    scenario.servers.map(async (s, i) => {
      if (s.driver !== "endpoint") return;
      const a = parseAddress(s.address ?? "")!;
      await checkEndpointReachable(
        `${file}: servers[${i}].address`,
        a.host,
        a.port,
        Math.min(timeoutMs, 5_000),
      );
    }),
  );
}
