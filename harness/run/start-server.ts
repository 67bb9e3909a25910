import { EngineError } from "../errors.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { ServerSpec } from "../scenario/define-scenario.ts";
import { parseAddress } from "../scenario/server-rules.ts";
import { EndpointServer } from "../servers/endpoint-server.ts";
import { DRIVERS } from "../servers/index.ts";
import { templateDriver } from "../servers/template-driver.ts";
import type { ServerConfig, StartedTlsServer } from "../servers/tls-server.ts";

/**
 * The server a scenario entry names, serving `config`: an endpoint is only addressed (it runs
 * elsewhere), a user's template or image runs under the driver of its product, anything else is
 * rootload's own driver.
 */
export async function startServer(
  spec: ServerSpec,
  config: ServerConfig,
  runtime: Runtime,
): Promise<StartedTlsServer> {
  if (spec.driver === "endpoint") {
    const a = parseAddress(spec.address ?? "");
    if (!a) throw new EngineError(`endpoint address "${spec.address}" is not host:port`);
    return new EndpointServer(a.host, a.port, spec.sni);
  }
  const driver = spec.config ? templateDriver(spec.driver, spec.config) : DRIVERS[spec.driver];
  const available = await driver.available(runtime);
  if (!available.ok)
    throw new EngineError(
      `${spec.driver} is unavailable on the ${runtime.kind} runtime: ${available.reason}`,
    );
  return driver.start(config, runtime);
}
