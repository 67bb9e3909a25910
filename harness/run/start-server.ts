import { EngineError } from "../errors.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { DriverServerSpec, EndpointServerSpec } from "../scenario/define-scenario.ts";
import { parseAddress } from "../scenario/server-rules.ts";
import type { ServerConfig } from "../servers/server-config.ts";
import type { StartedTlsServer } from "../servers/started-tls-server.ts";
import { EndpointServer } from "../servers/templates/endpoint-server.ts";
import { templateDriver } from "../servers/templates/template-driver.ts";

/** An endpoint is only addressed: it runs elsewhere, as its operator configured it. */
export function endpointServer(spec: EndpointServerSpec): StartedTlsServer {
  const a = parseAddress(spec.address);
  if (!a) throw new EngineError(`endpoint address "${spec.address}" is not host:port`);
  return new EndpointServer(a.host, a.port, spec.sni, spec.starttls, spec.application);
}

/** A user's config template, run under the driver of its product. */
export async function startTemplateServer(
  spec: DriverServerSpec & { config: string | string[] },
  config: ServerConfig,
  runtime: Runtime,
): Promise<StartedTlsServer> {
  const driver = templateDriver(spec.driver, spec.config, { allowCommands: spec.allowCommands === true });
  const available = spec.image ? { ok: true } : await driver.available(runtime);
  if (!available.ok)
    throw new EngineError(
      `${spec.driver} is unavailable on the ${runtime.kind} runtime: ${available.reason}`,
    );
  return driver.start(config, runtime);
}
