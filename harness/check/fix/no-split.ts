import { CLIENT_PROFILES, type ClientStack } from "../limits.ts";
import {
  AWS_ALB_API,
  AWS_ALB_MTLS,
  AWS_ALB_QUOTAS,
  AZURE_APPGW_MTLS,
  AZURE_APPGW_PORTAL,
} from "../services/cloud-services.ts";
import { KB_2880390 } from "../windows/windows-facts.ts";

const TLS_REGISTRY_SETTINGS_URL =
  "https://learn.microsoft.com/en-us/windows-server/security/tls/tls-registry-settings";
const SCHANNEL_2012_URL =
  "https://learn.microsoft.com/en-us/windows-server/security/tls/what-s-new-in-tls-ssl-schannel-ssp-overview";
const NETSH_HTTP_URL =
  "https://learn.microsoft.com/en-us/windows-server/networking/technologies/netsh/netsh-http";

/** Servers whose configuration cannot advertise less than they trust, and the stacks configured elsewhere. */
export const NO_SPLIT = [
  "gnutls",
  "java",
  "caddy",
  "node",
  "postgres",
  "openssl",
  "schannel",
  "schannel-2003",
  "aws-alb",
  "azure-appgw",
  "lighttpd",
] as const;
export type NoSplitServer = (typeof NO_SPLIT)[number];

/** Clients that send their certificate whatever the list says, and those that choose by it (the limits table). */
export function selection(clients: readonly ClientStack[]): { anyway: ClientStack[]; byList: ClientStack[] } {
  return {
    anyway: clients.filter((c) => !CLIENT_PROFILES[c].selectsByIssuer),
    byList: clients.filter((c) => CLIENT_PROFILES[c].selectsByIssuer),
  };
}

/** The generic options when a server cannot split, with the trade-off of each in one line. */
function options(clients: readonly ClientStack[], sendNoNames: string): string[] {
  const { anyway, byList } = selection(clients);
  return [
    `send no names (${sendNoNames}): ${anyway.join(", ") || "no named client"} send their certificate anyway and get in; ${byList.join(", ") || "no named client"} choose by the list and then offer the only certificate they have or none (Java's default key manager, Go's GetClientCertificate) — configure those clients with one certificate, or they get in only if they do so`,
    "a separate listener (another port or SNI name) with a small CA list for mTLS clients: every client works, one more endpoint to run and document",
    "a smaller trust store (only the CAs your clients' certificates come from): the list fits every client and names their issuer, but certificates from the CAs removed are no longer accepted",
  ];
}

/**
 * What to tell a user whose server cannot advertise a subset of what it trusts: it cannot, and
 * the options that exist. Windows and the cloud load balancers are documented settings, printed
 * with their source and marked as not verified here.
 */
export function noSplitAnswer(server: NoSplitServer, clients: readonly ClientStack[]): string {
  const lines: string[] = [];
  const add = (head: string, opts: string[], note?: string) => {
    lines.push(head, ...opts.map((o) => `  - ${o}`), ...(note ? [note] : []));
  };
  switch (server) {
    case "gnutls":
      add(
        "gnutls-serv (GnuTLS 3.7): cannot split — the names sent are the trusted CAs (--x509cafile); there is no verify-only store and no option to send none.",
        options(
          clients,
          "not possible from gnutls-serv's command line; a GnuTLS program can call gnutls_certificate_send_x509_rdn_sequence(session, 1)",
        ).slice(0),
      );
      break;
    case "java":
      add(
        "Java (JSSE): cannot split by configuration — the CertificateRequest names every CA of the server's trust manager (getAcceptedIssuers).",
        [
          "a custom X509ExtendedTrustManager whose getAcceptedIssuers() returns only your issuers while checkClientTrusted() verifies against the whole store: the split, in code",
          ...options(clients, "getAcceptedIssuers() returning an empty array"),
        ],
      );
      break;
    case "caddy":
    case "node":
      add(
        `${server === "caddy" ? "Caddy / Go crypto/tls" : "Node (tls.createServer)"}: cannot split — ${server === "caddy" ? "ClientCAs is both the names sent and the verify pool (the Teleport and Envoy threads: truncate the pool per SNI, or stop sending)" : "the `ca` option is both the names sent and the verify store"}.`,
        options(
          clients,
          server === "caddy"
            ? "Go: verify in VerifyPeerCertificate with ClientCAs nil"
            : "Node: requestCert with no `ca`, verify in the secureConnection handler",
        ),
      );
      break;
    case "postgres":
      add(
        "PostgreSQL: cannot split — ssl_ca_file is both what it advertises and what it verifies against.",
        options(clients, "not possible with ssl_ca_file set"),
      );
      break;
    case "openssl":
      add("openssl s_server: splits on the command line.", [
        "-CAfile advertised.pem -verifyCAfile store.pem (or -no-CAfile -CANames advertised.pem with -CAfile store.pem): advertise the issuers, verify against the store",
      ]);
      break;
    case "schannel":
    case "schannel-2003":
      add(
        "Windows / Schannel (IIS, RDP, ADFS): documented settings — not verified here (rootload emulates Schannel from Microsoft's documents, it does not run Windows; `rootload check --server schannel --windows VERSION` predicts each):",
        [
          `HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\SendTrustedIssuerList (DWORD) = 0: send no names — already the default from Windows Server 2012 on (1 on 2008 R2 and earlier); clients that choose by the list then offer any certificate they have (source: ${TLS_REGISTRY_SETTINGS_URL}, "SendTrustedIssuerList")`,
          `the split, Server 2012 on: only your issuers in the local computer's "Client Authentication Issuers" store and SendTrustedIssuerList = 1: Schannel takes its list from that store instead of the Trusted Root store, which keeps trusting the rest (source: ${SCHANNEL_2012_URL}, "Management of trusted issuers for client authentication"); ClientAuthTrustMode (DWORD, same key) = 2 (Exclusive CA Trust) in addition accepts only chains through the caller-specified issuer store — a narrower trust, not needed for the split`,
          `per binding (http.sys): netsh http add sslcert … sslctlstorename=<store> names the store the binding's issuer list comes from ("a specific credential store configured for the site" is used first; sources: ${NETSH_HTTP_URL}, ${SCHANNEL_2012_URL})`,
          `Server 2012 only: past 16 KB of Trusted Root certificates client authentication fails whatever SendTrustedIssuerList says until the KB 2880390 hotfix is installed (source: ${KB_2880390})`,
        ],
      );
      break;
    case "lighttpd":
      add(
        "lighttpd: cannot split without trusting less — ssl.ca-dn-file is both the names sent and the issuers accepted: its verify callback refuses a client certificate whose issuer is not in ssl.ca-dn-file, whatever ssl.ca-file trusts (lighttpd1.4 src/mod_openssl.c verify_callback, the same in mod_mbedtls, mod_wolfssl, mod_gnutls and mod_nss; measured by rootload's lighttpd driver: an unadvertised but trusted issuer is rejected).",
        [
          "ssl.ca-dn-file = a file of the issuers of your clients' certificates only: the list is short and names them, but certificates from every other CA in ssl.ca-file are no longer accepted — the right change only when those issuers are all your clients use",
          ...options(
            clients,
            'ssl.openssl.ssl-conf-cmd = ("Options" => "-CANames"); TLS 1.3 then sends an empty certificate_authorities extension, which Java, Go and GnuTLS clients refuse',
          ),
        ],
      );
      break;
    case "aws-alb":
      add("AWS Application Load Balancer mTLS (verify mode): documented settings — not verified here:", [
        `the listener's mutual authentication AdvertiseTrustStoreCaNames = on | off (aws elbv2 modify-listener --mutual-authentication Mode=verify,TrustStoreArn=…,AdvertiseTrustStoreCaNames=on): with on, ALB lists the trust store's CA subject names in its CertificateRequest; the guide says you enable it, the default is not stated (sources: ${AWS_ALB_API}, ${AWS_ALB_MTLS})`,
        `the split does not exist: the names advertised are the trust store's. Keep the trust store to your issuers — its quotas are 25 CA certificates and 10,000 (bytes, by rootload's reading) of CA subjects per trust store, 16 KB per CA certificate, 64 K per TLS message (source: ${AWS_ALB_QUOTAS}); \`rootload check ca.pem --service aws-alb --advertise-ca-names on\` applies them`,
      ]);
      break;
    case "azure-appgw":
      add("Azure Application Gateway mutual authentication: documented settings — not verified here:", [
        `the SSL profile's trusted client CA certificate chains: one chain per uploaded file, each file 25 KB or less (sources: ${AZURE_APPGW_MTLS}, ${AZURE_APPGW_PORTAL}); upload only your issuers' chains for the mTLS listener's profile`,
        `clientAuthConfiguration.verifyClientCertIssuerDN (Set-AzApplicationGatewayClientAuthConfiguration -VerifyClientCertIssuerDN): also require the client certificate's issuer DN to match the uploaded chain's — changes what is accepted, not what is sent (source: ${AZURE_APPGW_MTLS}#verify-client-certificate-dn)`,
        "whether and which CA names Application Gateway sends in its CertificateRequest is not documented in the pages read: not verified",
      ]);
      break;
  }
  return `${lines.join("\n")}\n`;
}
