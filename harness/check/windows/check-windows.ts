import { InputError } from "../../errors.ts";
import { formatInt } from "../../format-int.ts";
import { caListBytes, nameKey } from "../../roots/root-store.ts";
import type { CaSetup } from "../ca-setup.ts";
import { type CheckParams, type CheckReport, check } from "../check.ts";
import type { SchannelConfig, SettingSource } from "./schannel-settings.ts";
import {
  KB_2880390,
  TRUST_MODES,
  type TrustMode,
  WINDOWS_DEFAULTS,
  type WindowsVersion,
} from "./windows-facts.ts";

/** How a Windows Server as configured was predicted: from Microsoft's documents, never measured. */
export interface WindowsEmulation {
  basis: "emulated from documentation, not measured";
  version: WindowsVersion;
  label: string;
  /** Every value that decides what is sent or accepted, with its source. */
  settings: { name: string; value: string; from: SettingSource }[];
  /** Where Schannel builds its list from. */
  listFrom: {
    store: "Client Authentication Issuers" | "Trusted Root Certification Authorities";
    count: number;
    bytes: number;
    why: string;
  };
  namesSent: boolean;
  /** KB 2880390 (Server 2012): client authentication fails once the Root store's list passes 16 KB. */
  kb2880390?: { rootStoreBytes: number; limitBytes: number; fails: boolean; fixed: boolean; source: string };
  /** With --issuer: whether the trust mode accepts a certificate from it (documented rule). */
  issuerTrust?: { mode: TrustMode; trusted: boolean; reason: string };
  /** The largest client Certificate message the server accepts (MessageLimitServerClientAuth), bytes; not judged here. */
  clientCertificateMessageLimitBytes: number;
  tlsSource: string;
}

/**
 * Predict a Windows Server's Schannel as configured: its list comes from the "Client
 * Authentication Issuers" store when that holds certificates (Server 2012 on), else from the
 * Trusted Root store (`setup`'s certificates); SendTrustedIssuerList 0 sends no names; a list past
 * 16 KB is cut; Server 2012 without KB 2880390's hotfix fails client authentication once the Root
 * store's list passes 16 KB whatever SendTrustedIssuerList says. All from documentation.
 */
export function checkWindows(
  setup: CaSetup,
  params: Omit<CheckParams, "servers" | "scope">,
  cfg: SchannelConfig,
): CheckReport {
  const d = WINDOWS_DEFAULTS[cfg.version];
  const root = [...setup.advertise, ...setup.verifyOnly];
  const fromIssuersStore = cfg.clientAuthIssuers.value.length > 0;
  const listEntries = fromIssuersStore ? cfg.clientAuthIssuers.value : root;
  const namesSent = cfg.sendTrustedIssuerList.value === 1;
  const tls = params.tls.filter((t) => d.tls.value.includes(t));
  if (tls.length === 0)
    throw new InputError(
      "rootload check --tls",
      `${params.tls.join(",")}: ${d.label} speaks TLS ${d.tls.value.join(", ")} (${d.tls.source.split(" ")[0]})`,
    );
  const emulated: CaSetup = {
    ...setup,
    advertise: listEntries,
    verifyOnly: fromIssuersStore ? root : [],
    caNames: namesSent ? "sent" : "off-omitted",
    tls: d.tls.value,
    notes: [...setup.notes, `${d.label} as configured: emulated from Microsoft documentation, not measured`],
  };
  const report = check(emulated, {
    ...params,
    tls,
    servers: ["schannel"],
    scope: { from: "--server" },
  });
  const rootStoreBytes = caListBytes(root);
  const limit = d.listLimitBytes.value;
  const kb = d.kb2880390.value
    ? {
        rootStoreBytes,
        limitBytes: limit,
        fixed: cfg.kb2880390Fixed.value,
        fails: !cfg.kb2880390Fixed.value && rootStoreBytes > limit,
        source: KB_2880390,
      }
    : undefined;
  if (kb?.fails) {
    for (const v of report.servers) {
      v.verdict = "aborts";
      v.marginBytes = limit - rootStoreBytes;
      v.limitBytes = limit;
      v.sent = { entries: [], bytes: 0, rawBytes: 0 };
      v.messageBytes = undefined;
      v.reason = `KB 2880390: the Trusted Root store's list is ${formatInt(rootStoreBytes)} B > ${formatInt(limit)} B, so client authentication fails whatever SendTrustedIssuerList says (the KB's hotfix: --hotfix KB2880390)`;
    }
    report.breaks = true;
  }
  let issuerTrust: WindowsEmulation["issuerTrust"];
  if (params.issuerSubject && cfg.clientAuthTrustMode) {
    const mode = cfg.clientAuthTrustMode.value;
    const key = nameKey(params.issuerSubject);
    const trusted = listEntries.some((e) => nameKey(e.subjectDer) === key);
    const store = fromIssuersStore ? "the Client Authentication Issuers store" : "the Trusted Root store";
    issuerTrust = {
      mode,
      trusted,
      reason: trusted
        ? `ClientAuthTrustMode=${mode} (${TRUST_MODES[mode].split(":")[0]}): the issuer is in ${store}`
        : `ClientAuthTrustMode=${mode} (${TRUST_MODES[mode].split(":")[0]}): the issuer is not in ${store}, so the server refuses the client's certificate`,
    };
    if (!trusted) report.breaks = true;
  }
  const show = (v: number) => (v >= 0x100 ? `0x${v.toString(16)} (${formatInt(v)} B)` : String(v));
  const settings: WindowsEmulation["settings"] = [
    {
      name: "SendTrustedIssuerList",
      value: String(cfg.sendTrustedIssuerList.value),
      from: cfg.sendTrustedIssuerList.from,
    },
    ...(cfg.clientAuthTrustMode
      ? [
          {
            name: "ClientAuthTrustMode",
            value: String(cfg.clientAuthTrustMode.value),
            from: cfg.clientAuthTrustMode.from,
          },
        ]
      : []),
    {
      name: "Client Authentication Issuers store",
      value: fromIssuersStore
        ? `${cfg.clientAuthIssuers.value.length} certificates`
        : d.clientAuthIssuersStore.value
          ? "empty"
          : "none (before Server 2012)",
      from: cfg.clientAuthIssuers.from,
    },
    {
      name: "MessageLimitServerClientAuth",
      value: show(cfg.messageLimitServerClientAuth.value),
      from: cfg.messageLimitServerClientAuth.from,
    },
    {
      name: "list limit",
      value: `${formatInt(limit)} B`,
      from: { kind: "default", document: d.listLimitBytes.source },
    },
    ...(kb
      ? [
          {
            name: "KB 2880390 hotfix",
            value: kb.fixed ? "installed" : "not installed",
            from: cfg.kb2880390Fixed.from,
          },
        ]
      : []),
  ];
  const windows: WindowsEmulation = {
    basis: "emulated from documentation, not measured",
    version: cfg.version,
    label: d.label,
    settings,
    listFrom: {
      store: fromIssuersStore ? "Client Authentication Issuers" : "Trusted Root Certification Authorities",
      count: listEntries.length,
      bytes: caListBytes(listEntries),
      why: fromIssuersStore
        ? "the Client Authentication Issuers store holds certificates, so Schannel takes its list from it"
        : d.clientAuthIssuersStore.value
          ? "the Client Authentication Issuers store is empty, so Schannel falls back to the Trusted Root store"
          : "before Server 2012 Schannel takes its list from the Trusted Root store",
    },
    namesSent,
    ...(kb ? { kb2880390: kb } : {}),
    ...(issuerTrust ? { issuerTrust } : {}),
    clientCertificateMessageLimitBytes: cfg.messageLimitServerClientAuth.value,
    tlsSource: d.tls.source,
  };
  return { ...report, windows };
}
