/**
 * Managed load balancers as "services": their published quotas and switches, as the vendors
 * document them. Nothing here was measured (rootload cannot run them): every figure carries the
 * page it was read on, and what a page does not say is listed as not verified.
 */

/** AWS Application Load Balancer: "Quotas for your Application Load Balancers". */
export const AWS_ALB_QUOTAS =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html#certificates-quotas";
/** AWS ALB: "Mutual authentication with TLS in Application Load Balancer" (Advertise CA subject name). */
export const AWS_ALB_MTLS =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/mutual-authentication.html";
/** AWS ELB API reference: MutualAuthenticationAttributes (AdvertiseTrustStoreCaNames: on | off). */
export const AWS_ALB_API =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_MutualAuthenticationAttributes.html";
/** Azure Application Gateway: "Overview of mutual authentication with Application Gateway". */
export const AZURE_APPGW_MTLS =
  "https://learn.microsoft.com/en-us/azure/application-gateway/mutual-authentication-overview";
/** Azure Application Gateway: "Configure mutual authentication with Application Gateway through portal". */
export const AZURE_APPGW_PORTAL =
  "https://learn.microsoft.com/en-us/azure/application-gateway/mutual-authentication-portal";

/** What a quota counts in the trust store the user uploads. */
export type QuotaMeasure =
  /** Certificates in the upload. */
  | "certificates"
  /** The largest certificate, DER bytes. */
  | "largest-certificate-bytes"
  /** Sum of the DER subjects of the upload, bytes. */
  | "subject-bytes"
  /** The uploaded file, bytes (PEM as written; a non-PEM source counted as its PEM encoding). */
  | "file-bytes"
  /** Self-signed (root) certificates in one uploaded file. */
  | "roots-per-file"
  /** The CertificateRequest message (header included), bytes, when names are advertised. */
  | "certificate-request-bytes";

/** One published quota. */
export interface Quota {
  name: string;
  measure: QuotaMeasure;
  /** The figure as the page prints it ("10,000", "16 KB", "64 K"). */
  published: string;
  /** The figure in the measure's unit, as rootload reads it. */
  limit: number;
  /** A second reading of an ambiguous unit (25 KB = 25,000 or 25,600 B): between the two is "unclear". */
  limitIfStrict?: number;
  adjustable: boolean | "not stated";
  /** Only applies while CA names are advertised. */
  whenAdvertising?: boolean;
  where: string;
  /** How rootload reads what the page does not say. */
  reading?: string;
}

/** One switch a service has, with its documented values and default. */
export interface ServiceSwitch {
  /** The option that sets it on `rootload check`. */
  flag: string;
  name: string;
  values: readonly string[];
  default: { value: string; verified: boolean; where: string; note: string };
}

/** A managed service `check --service` predicts for. */
export interface CloudService {
  label: string;
  quotas: readonly Quota[];
  switches: readonly ServiceSwitch[];
  /** Whether CA names are sent: from the switch, or not documented. */
  names: { from: "switch"; switch: string } | { from: "not documented"; note: string };
  /** Published facts rootload read but could not verify on the vendor's own pages. */
  notVerified: readonly string[];
}

export const SERVICES = ["aws-alb", "azure-appgw"] as const;
export type ServiceName = (typeof SERVICES)[number];

export const CLOUD_SERVICES: Record<ServiceName, CloudService> = {
  "aws-alb": {
    label: "AWS Application Load Balancer (mTLS verify mode)",
    quotas: [
      {
        name: "CA certificates per trust store",
        measure: "certificates",
        published: "25",
        limit: 25,
        adjustable: true,
        where: AWS_ALB_QUOTAS,
      },
      {
        name: "CA certificate size",
        measure: "largest-certificate-bytes",
        published: "16 KB",
        limit: 16_384,
        limitIfStrict: 16_000,
        adjustable: false,
        where: AWS_ALB_QUOTAS,
        reading:
          "16 KB read as 16,384 B of DER (16,000 B if AWS means decimal kilobytes: between is unclear)",
      },
      {
        name: "CA certificates subject size per trust store",
        measure: "subject-bytes",
        published: "10,000",
        limit: 10_000,
        adjustable: true,
        where: AWS_ALB_QUOTAS,
        reading:
          "the table gives no unit: read as bytes of DER subjects; the section applies to certificates 'including advertising CA certificate names'",
      },
      {
        name: "TLS message size",
        measure: "certificate-request-bytes",
        published: "64 K",
        limit: 65_536,
        limitIfStrict: 64_000,
        adjustable: false,
        whenAdvertising: true,
        where: AWS_ALB_QUOTAS,
        reading:
          "read as the CertificateRequest with its header, 64 K = 65,536 B (64,000 B if decimal: between is unclear); its size computed with OpenSSL's message shape, ALB's own not measured",
      },
    ],
    switches: [
      {
        flag: "--advertise-ca-names",
        name: "AdvertiseTrustStoreCaNames",
        values: ["on", "off"],
        default: {
          value: "off",
          verified: false,
          where: `${AWS_ALB_API}; ${AWS_ALB_MTLS}`,
          note: "the API lists on | off and the guide says you enable it; the default is not stated (taken as off, not verified)",
        },
      },
    ],
    names: { from: "switch", switch: "AdvertiseTrustStoreCaNames" },
    notVerified: [
      "the default of AdvertiseTrustStoreCaNames (taken as off)",
      "the unit of 'CA certificates subject size per trust store' (taken as bytes)",
      "whether ALB cuts, refuses or rejects at upload a trust store past a quota (counted here as: the setup breaks)",
    ],
  },
  "azure-appgw": {
    label: "Azure Application Gateway v2 (mutual authentication, SSL profile)",
    quotas: [
      {
        name: "trusted client CA certificate file size",
        measure: "file-bytes",
        published: "25 KB",
        limit: 25_600,
        limitIfStrict: 25_000,
        adjustable: "not stated",
        where: `${AZURE_APPGW_MTLS} ('The maximum size of each uploaded file must be 25 KB or less')`,
        reading: "25 KB read as 25,600 B (25,000 B if decimal: between is unclear)",
      },
      {
        name: "certificate chains per uploaded file",
        measure: "roots-per-file",
        published: "one chain per file",
        limit: 1,
        adjustable: false,
        where: `${AZURE_APPGW_PORTAL} ('upload the entire client CA certificate chain in one file, and only one chain per file')`,
        reading: "counted as self-signed certificates in the file: each is the root of its own chain",
      },
    ],
    switches: [],
    names: {
      from: "not documented",
      note: "the pages read do not say whether Application Gateway sends CA names in its CertificateRequest, or which: client verdicts are not predicted",
    },
    notVerified: [
      "whether and which CA names Application Gateway advertises",
      "chains per SSL profile (100) and per gateway (200): seen only in third-party summaries",
      "verifyClientCertIssuerDN (the SSL profile's client authentication configuration) changes which certificates are accepted, not what is sent",
    ],
  },
};
