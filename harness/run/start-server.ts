import { EngineError } from "../errors.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { ServerSpec } from "../scenario/define-scenario.ts";
import { parseAddress } from "../scenario/server-rules.ts";
import type { ServerConfig } from "../servers/server-config.ts";
import type { StartedTlsServer } from "../servers/started-tls-server.ts";
import { EndpointServer } from "../servers/templates/endpoint-server.ts";
import { templateDriver } from "../servers/templates/template-driver.ts";

/** Whether the scenario entry is a server rootload does not render itself (endpoint, user template). */
export function isUserServer(spec: ServerSpec): boolean {
  return spec.driver === "endpoint" || spec.config !== undefined;
}

/**
 * A server of the user's: an endpoint is only addressed (it runs elsewhere); a user's template
 * runs under the driver of its product.
 */
export async function startUserServer(
  spec: ServerSpec,
  config: ServerConfig,
  runtime: Runtime,
): Promise<StartedTlsServer> {
  if (spec.driver === "endpoint") {
    const a = parseAddress(spec.address ?? "");
    if (!a) throw new EngineError(`endpoint address "${spec.address}" is not host:port`);
    return new EndpointServer(a.host, a.port, spec.sni, spec.starttls);
  }
  if (!spec.config) throw new EngineError(`servers entry ${spec.driver} is not a user server`);
  const driver = templateDriver(spec.driver, spec.config);
  const available = spec.image ? { ok: true } : await driver.available(runtime);
  if (!available.ok)
    throw new EngineError(
      `${spec.driver} is unavailable on the ${runtime.kind} runtime: ${available.reason}`,
    );
  return driver.start(config, runtime);
}
