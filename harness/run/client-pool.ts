import { type ClientSpec, createClient, type TlsClient } from "../clients/index.ts";
import type { Runtime } from "../runtime/runtime.ts";

/** What the manifest records about a client of the run. */
export interface ClientRecord {
  label: string;
  name: string;
  selection: string;
  version?: string;
  unavailable?: string;
}

/**
 * The run's clients, one per label, created on first use and closed at the end of the run: a
 * persistent client (one JVM per option set) serves every case and latency series of the run.
 */
export class ClientPool {
  readonly #clients = new Map<string, TlsClient>();
  readonly #records = new Map<string, ClientRecord>();

  constructor(private readonly runtime: Runtime) {}

  get(spec: ClientSpec): TlsClient {
    let c = this.#clients.get(spec.label);
    if (!c) {
      c = createClient(spec, { runtime: this.runtime });
      this.#clients.set(spec.label, c);
    }
    return c;
  }

  /** Note the client's version (or why it cannot run) once, for the manifest. */
  async record(spec: ClientSpec): Promise<void> {
    if (this.#records.has(spec.label)) return;
    const c = this.get(spec);
    const a = await c.availability();
    const version = a.ok ? await c.version?.().catch(() => undefined) : undefined;
    this.#records.set(spec.label, {
      label: spec.label,
      name: spec.name,
      selection: spec.selection,
      ...(version ? { version } : {}),
      ...(a.ok ? {} : { unavailable: a.reason ?? "unavailable" }),
    });
  }

  records(): ClientRecord[] {
    return [...this.#records.values()];
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#clients.values()].map((c) => c.close()));
    this.#clients.clear();
  }
}
