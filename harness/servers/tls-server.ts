import type { StartTlsProtocol } from "../model/starttls.ts";
import type { TestPki } from "../pki/test-pki.ts";
import type { RootEntry, RootStore } from "../roots/root-store.ts";

export type TlsVersion = "1.2" | "1.3";
export const TLS_VERSIONS: readonly TlsVersion[] = ["1.2", "1.3"];

export type ClientAuthMode = "require" | "optional";

/**
 * What the server advertises in its CertificateRequest versus what it verifies against.
 * Every policy verifies against the whole store.
 */
export type IssuerPolicy =
  | { kind: "all" }
  | { kind: "none" }
  /** Advertise the longest prefix of the store whose CA list fits `bytes` (Schannel's behaviour). */
  | { kind: "truncate-bytes"; bytes: number; preset?: "schannel" | "schannel-2003" }
  /** Advertise exactly these entries. */
  | { kind: "explicit"; entries: readonly RootEntry[] };

export const SCHANNEL_BYTES = 16_384;
export const SCHANNEL_2003_BYTES = 0x3000;

/** The policy's name as written in scenarios and reports. */
export function policyName(p: IssuerPolicy): string {
  switch (p.kind) {
    case "truncate-bytes":
      return p.preset ?? `truncate-bytes:${p.bytes}`;
    case "explicit":
      return `explicit:${p.entries.length}`;
    default:
      return p.kind;
  }
}

/** Parse "all", "none", "truncate-bytes:N", "schannel", "schannel-2003"; undefined if not a policy. */
export function parsePolicy(text: string): IssuerPolicy | undefined {
  if (text === "all" || text === "none") return { kind: text };
  if (text === "schannel") return { kind: "truncate-bytes", bytes: SCHANNEL_BYTES, preset: "schannel" };
  if (text === "schannel-2003")
    return { kind: "truncate-bytes", bytes: SCHANNEL_2003_BYTES, preset: "schannel-2003" };
  const m = /^truncate-bytes:(\d+)$/.exec(text);
  if (m) return { kind: "truncate-bytes", bytes: Number(m[1]) };
  return undefined;
}

/** The entries a correct implementation of `policy` advertises for `store`, in store order. */
export function intendedAdvertised(store: RootStore, policy: IssuerPolicy): readonly RootEntry[] {
  switch (policy.kind) {
    case "all":
      return store.entries;
    case "none":
      return [];
    case "explicit":
      return policy.entries;
    case "truncate-bytes": {
      let used = 0;
      const out: RootEntry[] = [];
      for (const e of store.entries) {
        if (used + e.caNameBytes > policy.bytes) break;
        used += e.caNameBytes;
        out.push(e);
      }
      return out;
    }
  }
}

/** Everything a driver needs to render a server's configuration. */
export interface ServerConfig {
  store: RootStore;
  policy: IssuerPolicy;
  tls: readonly TlsVersion[];
  clientAuth: ClientAuthMode;
  pki: TestPki;
  /**
   * Also accept the legacy client model (node-forge: TLS 1.0-1.2 with RSA key exchange and
   * AES-CBC-SHA), i.e. `MinProtocol TLSv1` and `@SECLEVEL=0` on OpenSSL 3. Off by default.
   */
  legacyCompat?: boolean;
}

/** A running server. Failed handshakes are results; a server that will not start throws. */
export interface StartedTlsServer extends AsyncDisposable {
  readonly driver: string;
  readonly host: string;
  readonly port: number;
  /** The plaintext prelude a client runs before TLS, when the server needs one. */
  readonly starttls?: StartTlsProtocol;
  /** "host:port" */
  address(): string;
  /** Product and library versions, e.g. { nginx: "1.22.1", openssl: "3.0.17" }. */
  versions(): Record<string, string>;
  /** Recent log lines of the server process. */
  logs(): Promise<string>;
  /** Swap the root store (and policy) without a restart where the server supports it. */
  reload(store: RootStore, policy?: IssuerPolicy): Promise<void>;
  /** True while the server process is alive. */
  isRunning(): Promise<boolean>;
  stop(): Promise<void>;
}
