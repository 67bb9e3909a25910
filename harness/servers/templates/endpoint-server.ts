import { InputError } from "../../errors.ts";
import type { ApplicationProtocol } from "../../model/application.ts";
import type { StartTlsProtocol } from "../../model/starttls.ts";
import { tcpConnect } from "../../runtime/tcp-connect.ts";
import type { ReloadReport, StartedTlsServer } from "../started-tls-server.ts";

/**
 * A server that is already running somewhere (staging, a VM, a Windows host): rootload neither
 * starts, reloads nor stops it. It is tested as configured: what it advertises is what the probe
 * reads, whatever list it was given.
 */
export class EndpointServer implements StartedTlsServer {
  readonly driver = "endpoint";

  constructor(
    readonly host: string,
    readonly port: number,
    /** Server name (SNI) the probe and the clients send. */
    readonly sni?: string,
    /** The plaintext prelude before TLS, when the endpoint speaks one (a mail server's STARTTLS). */
    readonly starttls?: StartTlsProtocol,
    /** What it speaks after the handshake (an endpoint's `application`). */
    readonly application?: ApplicationProtocol,
  ) {}

  address(): string {
    return this.host.includes(":") ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  versions(): Record<string, string> {
    return {
      address: this.address(),
      ...(this.sni ? { sni: this.sni } : {}),
      ...(this.starttls ? { starttls: this.starttls } : {}),
    };
  }

  /** Its logs are on its own host. */
  async logs(): Promise<string> {
    return "";
  }

  /** Nothing to reload: an endpoint's list is whatever its operator configured. */
  async reload(): Promise<ReloadReport> {
    return { how: "in-place", servedCheck: { kind: "not-needed", why: "an endpoint is not reloaded" } };
  }

  /** Accepting TCP connections is all rootload can tell about a server it does not run. */
  async isRunning(): Promise<boolean> {
    return (await tcpConnect(this.host, this.port, 3_000)).open;
  }

  async stop(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {}
}

/**
 * Refuse to start a run against an endpoint that does not answer: a typo in an address is bad
 * input, and finding it before the run directory exists leaves nothing half-written.
 */
export async function checkEndpointReachable(
  where: string,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<void> {
  const answer = await tcpConnect(host, port, timeoutMs);
  if (!answer.open) throw new InputError(where, `endpoint ${host}:${port} is not reachable (${answer.why})`);
}
