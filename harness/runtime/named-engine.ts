import { request } from "node:http";
import { connect } from "node:net";
import { InputError } from "../errors.ts";

/** How long the engine DOCKER_HOST names has to answer its ping (ms). */
export const ENGINE_PING_MS = 5_000;

/** Where DOCKER_HOST points, as something to connect to. */
type Target =
  | { kind: "http"; socketPath: string }
  | { kind: "http"; host: string; port: number }
  /** TLS engines (https://, DOCKER_TLS_VERIFY): reached here as TCP only; the client certificates are testcontainers' business. */
  | { kind: "tcp"; host: string; port: number };

function targetOf(url: string, env: NodeJS.ProcessEnv): Target | undefined {
  if (url.startsWith("unix://")) return { kind: "http", socketPath: url.slice("unix://".length) };
  // A Windows named pipe: nothing on this side can ping it; testcontainers reports its own error.
  if (url.startsWith("npipe:")) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(
      "DOCKER_HOST",
      `"${url}" is not an engine address (unix:///path or tcp://HOST:PORT)`,
    );
  }
  if (!/^(tcp|http|https):$/.test(u.protocol))
    throw new InputError("DOCKER_HOST", `"${url}": only unix://, npipe:// and tcp:// engines are supported`);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const tls = u.protocol === "https:" || Boolean(env.DOCKER_TLS_VERIFY);
  const port = Number(u.port) || (tls ? 2376 : 2375);
  return tls ? { kind: "tcp", host, port } : { kind: "http", host, port };
}

/**
 * Whether the engine DOCKER_HOST names answers. undefined: it does (or DOCKER_HOST is unset);
 * otherwise why not, in a few words. testcontainers, when the engine DOCKER_HOST names does not
 * answer, goes on to try the local socket: a user who named an engine would then be handed
 * another one without a word. This check comes first so that they get theirs or an error.
 */
export async function namedEngineProblem(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = ENGINE_PING_MS,
): Promise<string | undefined> {
  const url = env.DOCKER_HOST;
  if (!url) return undefined;
  const t = targetOf(url, env);
  if (!t) return undefined;
  if (t.kind === "tcp")
    return new Promise((resolve) => {
      const s = connect({ host: t.host, port: t.port });
      const done = (why: string | undefined) => {
        clearTimeout(timer);
        s.destroy();
        resolve(why);
      };
      const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
      s.once("connect", () => done(undefined));
      s.once("error", (err) => done(err.message));
    });
  return new Promise((resolve) => {
    const req = request({ ...t, path: "/_ping", method: "GET", timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        if (body.length < 256) body += d;
      });
      res.on("end", () =>
        resolve(
          res.statusCode === 200
            ? undefined
            : `GET /_ping answered ${res.statusCode} ${JSON.stringify(body.trim().slice(0, 80))}, not a container engine's OK`,
        ),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (err) => resolve(err.message));
    req.end();
  });
}
