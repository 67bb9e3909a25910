import { SCHANNEL_BYTES } from "../../model/limits.ts";
import type { TlsVersion } from "../../model/tls.ts";

/**
 * What Microsoft documents about the Schannel server's CertificateRequest per Windows Server
 * version. Nothing here was measured: rootload does not run Windows. Every default names the
 * document it was read in, and `check --windows` says the prediction is emulated from them.
 */

/** The Windows Server versions `check --windows` emulates. */
export const WINDOWS_VERSIONS = ["2008", "2008r2", "2012", "2012r2", "2016", "2019", "2022", "2025"] as const;
export type WindowsVersion = (typeof WINDOWS_VERSIONS)[number];

/** A documented fact and where it was read. */
export interface Documented<T> {
  value: T;
  /** The document (URL; a repository path where the URL's text was read from its source). */
  source: string;
}

/** SendTrustedIssuerList, MessageLimit*: "Transport Layer Security (TLS) registry settings". */
export const TLS_REGISTRY_SETTINGS =
  "https://learn.microsoft.com/en-us/windows-server/security/tls/tls-registry-settings (MicrosoftDocs/windowsserverdocs WindowsServerDocs/security/tls/tls-registry-settings.md)";
/** Client Authentication Issuers store, ClientAuthTrustMode, the 16 KB list: "What's new in TLS/SSL (Schannel SSP)" for Server 2012. */
export const SCHANNEL_2012_CHANGES =
  "https://learn.microsoft.com/en-us/windows-server/security/tls/what-s-new-in-tls-ssl-schannel-ssp-overview (MicrosoftDocs/windowsserverdocs WindowsServerDocs/security/tls/what-s-new-in-tls-ssl-schannel-ssp-overview.md, 'Management of trusted issuers for client authentication')";
/** KB 2880390: Server 2012 client authentication fails once the Trusted Root store passes 16 KB. */
export const KB_2880390 = "https://support.microsoft.com/en-us/help/2880390";
/** TLS 1.3 in Schannel from Windows Server 2022 (secondary: the SChannelDsc module's help). */
export const TLS13_FROM_2022 =
  "https://www.powershellgallery.com/packages/SChannelDsc/1.4.0 (about_Protocol: 'TLS 1.3 is only supported with Windows Server 2022 and later'; secondary source)";
/** Server 2012 R2 and earlier: TLS 1.0, 1.1 and 1.2. */
export const TLS12_UNTIL_2012R2 =
  "https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2012-r2-and-2012/hh831381(v=ws.11)";

/** What one Windows Server version does by default. */
export interface WindowsDefaults {
  label: string;
  /** SendTrustedIssuerList when the value is absent. */
  sendTrustedIssuerList: Documented<0 | 1>;
  /** The most the list may hold (bytes of certificate_authorities); Schannel cuts there. */
  listLimitBytes: Documented<number>;
  /** Whether the "Client Authentication Issuers" store and ClientAuthTrustMode exist. */
  clientAuthIssuersStore: Documented<boolean>;
  /** MessageLimitServerClientAuth when absent: the largest fragmented handshake message accepted with client authentication. */
  messageLimitServerClientAuth: Documented<number>;
  /** KB 2880390 applies: client authentication fails once the Root store's list passes the limit, whatever SendTrustedIssuerList says. */
  kb2880390: Documented<boolean>;
  tls: Documented<readonly TlsVersion[]>;
}

const SEND_ON = {
  value: 1,
  source: `${TLS_REGISTRY_SETTINGS}: 'Windows Server 2008 R2, Windows 7, and earlier: TRUE'`,
} as const;
const SEND_OFF = {
  value: 0,
  source: `${TLS_REGISTRY_SETTINGS}: 'Windows Server 2012, Windows 8 and later: FALSE'`,
} as const;
const LIMIT = {
  value: SCHANNEL_BYTES,
  source: `${SCHANNEL_2012_CHANGES}: 'the maximum size of the trusted certification authorities list that the Schannel SSP supports (16 KB) remains the same as in Windows Server 2008 R2'`,
};
const STORE = (value: boolean) => ({
  value,
  source: `${SCHANNEL_2012_CHANGES}: ${value ? "a dedicated store for client authentication issuers from Windows Server 2012" : "before Windows Server 2012 the list came from the Root store (or an application's CTL)"}`,
});
const MESSAGE_LIMIT = {
  value: 0x8000,
  source: `${TLS_REGISTRY_SETTINGS}: 'MessageLimitServerClientAuth … If not configured, the default value is 0x8000 bytes' (added in Windows 7 / Server 2008 R2; an update for Server 2008)`,
};
const KB = (value: boolean) => ({
  value,
  source: `${KB_2880390}: ${value ? "applies to Windows 8 / Windows Server 2012" : "written for Windows 8 / Windows Server 2012 only"}`,
});
const TLS12 = { value: ["1.2"] as const, source: `${TLS12_UNTIL_2012R2}; ${TLS13_FROM_2022}` };
const TLS13 = { value: ["1.2", "1.3"] as const, source: TLS13_FROM_2022 };

const common = { listLimitBytes: LIMIT, messageLimitServerClientAuth: MESSAGE_LIMIT };

/** Per version: the defaults `check --windows` starts from before `--registry` overrides. */
export const WINDOWS_DEFAULTS: Record<WindowsVersion, WindowsDefaults> = {
  "2008": {
    ...common,
    label: "Windows Server 2008",
    sendTrustedIssuerList: SEND_ON,
    clientAuthIssuersStore: STORE(false),
    kb2880390: KB(false),
    tls: TLS12,
  },
  "2008r2": {
    ...common,
    label: "Windows Server 2008 R2",
    sendTrustedIssuerList: SEND_ON,
    clientAuthIssuersStore: STORE(false),
    kb2880390: KB(false),
    tls: TLS12,
  },
  "2012": {
    ...common,
    label: "Windows Server 2012",
    sendTrustedIssuerList: SEND_OFF,
    clientAuthIssuersStore: STORE(true),
    kb2880390: KB(true),
    tls: TLS12,
  },
  "2012r2": {
    ...common,
    label: "Windows Server 2012 R2",
    sendTrustedIssuerList: SEND_OFF,
    clientAuthIssuersStore: STORE(true),
    kb2880390: KB(false),
    tls: TLS12,
  },
  "2016": {
    ...common,
    label: "Windows Server 2016",
    sendTrustedIssuerList: SEND_OFF,
    clientAuthIssuersStore: STORE(true),
    kb2880390: KB(false),
    tls: TLS12,
  },
  "2019": {
    ...common,
    label: "Windows Server 2019",
    sendTrustedIssuerList: SEND_OFF,
    clientAuthIssuersStore: STORE(true),
    kb2880390: KB(false),
    tls: TLS12,
  },
  "2022": {
    ...common,
    label: "Windows Server 2022",
    sendTrustedIssuerList: SEND_OFF,
    clientAuthIssuersStore: STORE(true),
    kb2880390: KB(false),
    tls: TLS13,
  },
  "2025": {
    ...common,
    label: "Windows Server 2025",
    sendTrustedIssuerList: SEND_OFF,
    clientAuthIssuersStore: STORE(true),
    kb2880390: KB(false),
    tls: TLS13,
  },
};

/** ClientAuthTrustMode values as documented (SCHANNEL_2012_CHANGES, 'Defaults for Trust Modes'). */
export const TRUST_MODES = {
  0: "Machine Trust (default): the client certificate must be issued by a certificate in the trusted issuers list",
  1: "Exclusive Root Trust: the client certificate must chain to a root in the caller-specified trusted issuer store, and be issued by an issuer in the list",
  2: "Exclusive CA Trust: the client certificate must chain to an intermediate or root certificate in the caller-specified trusted issuer store",
} as const;
export type TrustMode = keyof typeof TRUST_MODES;
