import { InputError } from "../../errors.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import {
  SCHANNEL_2012_CHANGES,
  type TrustMode,
  WINDOWS_DEFAULTS,
  WINDOWS_VERSIONS,
  type WindowsVersion,
} from "./windows-facts.ts";

/** Where a setting's value came from. */
export type SettingSource =
  /** The version's documented default (the document is named). */
  | { kind: "default"; document: string }
  /** Given on the command line. */
  | { kind: "given"; flag: string };

/** One value that decides what Schannel sends, and where it came from. */
export interface Setting<T> {
  value: T;
  from: SettingSource;
}

/** A Windows Server as configured: version, registry values, stores and hotfixes. */
export interface SchannelConfig {
  version: WindowsVersion;
  sendTrustedIssuerList: Setting<0 | 1>;
  /** ClientAuthTrustMode: undefined before Windows Server 2012 (not documented there). */
  clientAuthTrustMode?: Setting<TrustMode>;
  messageLimitServerClientAuth: Setting<number>;
  /** Certificates in the "Client Authentication Issuers" store (empty: the Root store is used). */
  clientAuthIssuers: Setting<readonly RootEntry[]>;
  /** KB 2880390's hotfix installed (Server 2012 only). */
  kb2880390Fixed: Setting<boolean>;
}

/** The registry values `--registry` takes, as Windows spells them; matched without regard to case. */
export const REGISTRY_VALUES = [
  "SendTrustedIssuerList",
  "ClientAuthTrustMode",
  "MessageLimitServerClientAuth",
] as const;
export type RegistryValue = (typeof REGISTRY_VALUES)[number];

/** The hotfixes `--hotfix` knows. */
export const HOTFIXES = ["KB2880390"] as const;

/** What the command line said about the Windows server. */
export interface SchannelOptions {
  windows: string;
  /** `NAME=VALUE`, repeatable (DWORD: decimal or 0x hex). */
  registry?: readonly string[];
  /** The "Client Authentication Issuers" store's certificates, already loaded, and the file named. */
  clientAuthIssuers?: { file: string; entries: readonly RootEntry[] };
  hotfix?: readonly string[];
}

const FLAG = "rootload check --registry";

function dword(name: string, text: string): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t)
    ? Number.parseInt(t.slice(2), 16)
    : /^\d+$/.test(t)
      ? Number(t)
      : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 0xffffffff)
    throw new InputError(FLAG, `${name}=${text}: not a DWORD (decimal or 0x hex)`);
  return n;
}

/**
 * The configuration a Windows version starts from, with the `--registry`, `--client-auth-issuers`
 * and `--hotfix` values over it. A value the version does not document, or out of its documented
 * range, is bad input (exit 2), named with its value.
 */
export function schannelConfig(o: SchannelOptions): SchannelConfig {
  const version = o.windows
    .trim()
    .toLowerCase()
    .replace(/^(windows-?)?(server-?)?/, "")
    .replace(/-?r2$/, "r2");
  if (!(WINDOWS_VERSIONS as readonly string[]).includes(version))
    throw new InputError(
      "rootload check --windows",
      `"${o.windows}" is not one of ${WINDOWS_VERSIONS.join(", ")}`,
    );
  const v = version as WindowsVersion;
  const d = WINDOWS_DEFAULTS[v];
  const def = (document: string): SettingSource => ({ kind: "default", document });
  const cfg: SchannelConfig = {
    version: v,
    sendTrustedIssuerList: {
      value: d.sendTrustedIssuerList.value,
      from: def(d.sendTrustedIssuerList.source),
    },
    messageLimitServerClientAuth: {
      value: d.messageLimitServerClientAuth.value,
      from: def(d.messageLimitServerClientAuth.source),
    },
    clientAuthIssuers: { value: [], from: def(d.clientAuthIssuersStore.source) },
    kb2880390Fixed: { value: false, from: def(d.kb2880390.source) },
    ...(d.clientAuthIssuersStore.value
      ? {
          clientAuthTrustMode: {
            value: 0 as TrustMode,
            from: def(`${SCHANNEL_2012_CHANGES}: 'Machine Trust (default)'`),
          },
        }
      : {}),
  };
  const seen = new Set<string>();
  for (const item of o.registry ?? []) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(item.trim());
    if (!m) throw new InputError(FLAG, `"${item}" is not NAME=VALUE (e.g. SendTrustedIssuerList=1)`);
    const name = REGISTRY_VALUES.find((r) => r.toLowerCase() === m[1]!.toLowerCase());
    if (!name) throw new InputError(FLAG, `"${m[1]}" is not one of ${REGISTRY_VALUES.join(", ")}`);
    if (seen.has(name)) throw new InputError(FLAG, `${name} given twice`);
    seen.add(name);
    const n = dword(name, m[2]!);
    const given: SettingSource = { kind: "given", flag: `--registry ${name}=${m[2]}` };
    switch (name) {
      case "SendTrustedIssuerList":
        if (n !== 0 && n !== 1) throw new InputError(FLAG, `SendTrustedIssuerList=${m[2]}: 0 or 1`);
        cfg.sendTrustedIssuerList = { value: n, from: given };
        break;
      case "ClientAuthTrustMode":
        if (!cfg.clientAuthTrustMode)
          throw new InputError(
            FLAG,
            `ClientAuthTrustMode=${m[2]}: documented from Windows Server 2012 on, not on ${d.label}`,
          );
        if (n !== 0 && n !== 1 && n !== 2)
          throw new InputError(FLAG, `ClientAuthTrustMode=${m[2]}: 0, 1 or 2`);
        cfg.clientAuthTrustMode = { value: n, from: given };
        break;
      case "MessageLimitServerClientAuth":
        // "The maximum allowed size can be increased up to 2^16 bytes" (TLS_REGISTRY_SETTINGS).
        if (n > 0x10000)
          throw new InputError(
            FLAG,
            `MessageLimitServerClientAuth=${m[2]}: at most 65536 (2^16 bytes: the TLS registry settings page)`,
          );
        cfg.messageLimitServerClientAuth = { value: n, from: given };
        break;
    }
  }
  if (o.clientAuthIssuers) {
    if (!d.clientAuthIssuersStore.value)
      throw new InputError(
        "rootload check --client-auth-issuers",
        `${o.clientAuthIssuers.file}: the "Client Authentication Issuers" store exists from Windows Server 2012 on, not on ${d.label}`,
      );
    cfg.clientAuthIssuers = {
      value: o.clientAuthIssuers.entries,
      from: { kind: "given", flag: `--client-auth-issuers ${o.clientAuthIssuers.file}` },
    };
  }
  for (const h of o.hotfix ?? []) {
    const name = HOTFIXES.find((x) => x.toLowerCase() === h.trim().toLowerCase().replace(/\s+/g, ""));
    if (!name) throw new InputError("rootload check --hotfix", `"${h}" is not one of ${HOTFIXES.join(", ")}`);
    if (!d.kb2880390.value)
      throw new InputError("rootload check --hotfix", `${name} is for Windows Server 2012, not ${d.label}`);
    cfg.kb2880390Fixed = { value: true, from: { kind: "given", flag: `--hotfix ${name}` } };
  }
  return cfg;
}
