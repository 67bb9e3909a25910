import { CLIENT_PROFILES, type ClientStack } from "../limits.ts";

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
        "Windows / Schannel (IIS, RDP, ADFS): documented settings — not verified here (rootload emulates Schannel's 16 KB cut, it does not run Windows):",
        [
          "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\SendTrustedIssuerList = 0 (DWORD): send no names; clients that choose by the list then offer every certificate they have (source: Microsoft, KB 933430 / KB 2801679)",
          'ClientAuthTrustMode = 2 (Exclusive CA Trust) with the issuers in the "Client Authentication Issuers" store: advertise and trust only those (source: Microsoft Learn, "TLS/SSL overview (Schannel SSP)" — Management of trusted issuers for client authentication)',
          "netsh http add sslcert … sslctlstorename=ClientAuthIssuer: per binding, the CTL store whose CAs are advertised (source: Microsoft Learn, netsh http commands)",
        ],
      );
      break;
    case "aws-alb":
      add("AWS Application Load Balancer mTLS (verify mode): documented setting — not verified here:", [
        'listener attribute AdvertiseTrustStoreCaNames = on|off (default off: no names are sent); with on, the trust store\'s CA subjects are advertised — keep the trust store to your issuers if a client chooses by the list (source: AWS docs, Elastic Load Balancing, "Mutual authentication with TLS in Application Load Balancer", Advertise CA subject name)',
      ]);
      break;
    case "azure-appgw":
      add("Azure Application Gateway mutual authentication: documented setting — not verified here:", [
        'SSL profile client authentication configuration: verifyClientCertIssuerDN (verify the issuer DN) and the trusted client CA certificate chain uploaded per profile; the names sent come from that chain — upload only your issuers\' chain for mTLS listeners (source: Microsoft Learn, "Overview of mutual authentication with Application Gateway")',
      ]);
      break;
  }
  return `${lines.join("\n")}\n`;
}
