import { InputError } from "../errors.ts";

/** Where the container engine is, as far as where its servers are reached is concerned. */
export type EngineEndpoint =
  /** The engine on this machine (Unix socket or npipe): servers listen on 127.0.0.1, files are bind-mounted. */
  | { kind: "local"; host: "127.0.0.1" }
  /**
   * An engine reached over TCP (`DOCKER_HOST=tcp://HOST:PORT`): host-network servers listen on
   * HOST, which must be one of the engine machine's own addresses, and files go in through the
   * engine's archive API because the engine does not see this machine's filesystem.
   */
  | { kind: "remote"; host: string; url: string };

/** The engine named by DOCKER_HOST (unset or unix:// = local). */
export function engineEndpoint(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const url = env.DOCKER_HOST;
  if (!url || /^(unix|npipe):/.test(url)) return { kind: "local", host: "127.0.0.1" };
  const u = new URL(url);
  if (!/^(tcp|http|https):$/.test(u.protocol))
    throw new InputError("DOCKER_HOST", `"${url}": only unix://, npipe:// and tcp:// engines are supported`);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return { kind: "remote", host, url };
}
