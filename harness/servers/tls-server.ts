import { InputError } from "../errors.ts";
import type { DriverName } from "../model/names.ts";
import type { IssuerPolicy } from "../model/policy.ts";
import type { ClientAuthMode, TlsVersion } from "../model/tls.ts";
import type { TestPki } from "../pki/test-pki.ts";
import type { RootStore } from "../roots/root-store.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { DRIVERS } from "./drivers/registry.ts";
import type { ServerConfig } from "./server-config.ts";
import type { StartedTlsServer } from "./started-tls-server.ts";

/**
 * Builder over `DRIVERS[name].start(config, runtime)`:
 * `new TlsServer("nginx").withRoots(store).withIssuerPolicy(p).withPki(pki).start(runtime)`.
 * Defaults: policy all, TLS 1.2 + 1.3, client certificate required.
 */
export class TlsServer {
  #store?: RootStore;
  #pki?: TestPki;
  #policy: IssuerPolicy = { kind: "all" };
  #tls: readonly TlsVersion[] = ["1.2", "1.3"];
  #clientAuth: ClientAuthMode | "none" = "require";
  #legacy = false;
  #image?: string;
  #groups?: readonly string[];
  #cipher12?: string;

  constructor(readonly driver: DriverName) {
    if (!(driver in DRIVERS))
      throw new InputError("driver", `"${driver}" is not one of ${Object.keys(DRIVERS).join(", ")}`);
  }

  withRoots(store: RootStore): this {
    this.#store = store;
    return this;
  }
  withIssuerPolicy(policy: IssuerPolicy): this {
    this.#policy = policy;
    return this;
  }
  withTls(versions: readonly TlsVersion[]): this {
    this.#tls = versions;
    return this;
  }
  /** "none": no CertificateRequest (drivers whose `handshake.noClientAuth` says so). */
  withClientAuth(mode: ClientAuthMode | "none"): this {
    this.#clientAuth = mode;
    return this;
  }
  withPki(pki: TestPki): this {
    this.#pki = pki;
    return this;
  }
  /** Also accept TLS 1.0 with RSA key exchange (the node-forge client model). */
  withLegacyCompat(on = true): this {
    this.#legacy = on;
    return this;
  }

  /** Run in this locally present image instead of rootload's (container runtime; never pulled). */
  withImage(image: string | undefined): this {
    this.#image = image;
    return this;
  }
  /** Accept only these key-exchange groups, in this order (OpenSSL names; drivers whose `handshake.groups` says so). */
  withGroups(groups: readonly string[]): this {
    this.#groups = groups;
    return this;
  }
  /** Serve TLS 1.2 with these cipher suites only (OpenSSL cipher string; drivers whose `handshake.cipher12` says so). */
  withCipher12(ciphers: string): this {
    this.#cipher12 = ciphers;
    return this;
  }

  config(): ServerConfig {
    if (!this.#store) throw new InputError(`${this.driver}.store`, "no root store given (withRoots)");
    if (!this.#pki) throw new InputError(`${this.driver}.pki`, "no test PKI given (withPki)");
    return {
      store: this.#store,
      policy: this.#policy,
      tls: this.#tls,
      clientAuth: this.#clientAuth,
      pki: this.#pki,
      legacyCompat: this.#legacy,
      ...(this.#image ? { image: this.#image } : {}),
      ...(this.#groups ? { groups: this.#groups } : {}),
      ...(this.#cipher12 ? { cipher12: this.#cipher12 } : {}),
    };
  }

  start(runtime: Runtime): Promise<StartedTlsServer> {
    return DRIVERS[this.driver].start(this.config(), runtime);
  }
}
