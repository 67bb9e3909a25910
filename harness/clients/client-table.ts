import { NATIVE_SELECTION, SPEAKS_STARTTLS } from "../model/client-spec.ts";
import { CLIENT_NAMES, type ClientName } from "../model/names.ts";

/** What each client stack is and where it breaks, as measured (scenarios `clients`, `kb2801679`). */
export const CLIENT_FACTS: Record<ClientName, { stack: string; tls: string; limits: string }> = {
  java: {
    stack: "JSSE (OpenJDK 17), the platform's default key manager; one JVM per option set",
    tls: "1.2, 1.3",
    limits:
      "CertificateRequest body over 32,768 B (`jdk.tls.maxHandshakeMessageSize`): `excessive-size`, client side, exact to the byte on TLS 1.2 and 1.3 — every Microsoft list since 2012 is past it. `=65536` still fails on TLS 1.2 lists of 65,483..65,535 B; `=131072` works up to the server's limit. Refuses OpenSSL's empty TLS 1.3 `certificate_authorities` (`Invalid certificate_authorities extension`)",
  },
  go: {
    stack:
      "crypto/tls, `Certificates` chosen by `SupportsCertificate` (a `GetClientCertificate` running the same loop records the choice)",
    tls: "1.2, 1.3",
    limits:
      "body over 65,536 B: `excessive-size` (`tls: handshake message of length … exceeds maximum of 65536 bytes`), inside the range OpenSSL still sends on TLS 1.2. Refuses the empty TLS 1.3 extension (`local error: tls: unexpected message`)",
  },
  forge: {
    stack: "node-forge 1.x, TLS 1.0/1.1, RSA key exchange; picks by the hint as Windows XP/2003 did",
    tls: "1.2 series only (speaks 1.0/1.1)",
    limits:
      "fails on a CertificateRequest spread over 3 or more records (from 32,775 B): the server answers `unexpected_message`",
  },
  node: {
    stack: "node:tls (OpenSSL inside Node)",
    tls: "1.2, 1.3",
    limits: "none below the server's (OpenSSL `max_cert_list` 102,400 B)",
  },
  openssl: {
    stack: "`openssl s_client`",
    tls: "1.2, 1.3",
    limits: "none below the server's (`max_cert_list` 102,400 B)",
  },
  gnutls: {
    stack: "`gnutls-cli`",
    tls: "1.2, 1.3",
    limits:
      "none below the server's; refuses the empty TLS 1.3 extension (`Error decoding the received TLS packet`)",
  },
  python: {
    stack: "Python `ssl` (Debian's /usr/bin/python3 and its OpenSSL); one interpreter per run",
    tls: "1.2, 1.3",
    limits:
      "none below the server's (OpenSSL `max_cert_list` 102,400 B); accepts the empty TLS 1.3 extension",
  },
  erlang: {
    stack:
      "Erlang/OTP `ssl` (OTP 25, Debian erlang-ssl: TLS written in Erlang, libcrypto for primitives), `certfile`/`keyfile`; one node per option set",
    tls: "1.2, 1.3",
    limits:
      "none below the server's with its defaults (`max_handshake_size` 262,144 B in ssl 10.8.7: a 64,789 B CertificateRequest from openssl s_server works on TLS 1.2 and 1.3). With `max_handshake_size: N` a body over N B is refused by the client itself (N = 32,768: body 32,768 B works, 32,769 B fails, TLS 1.2 and 1.3), worded `Handshake Failure  malformed_handshake_data`, so it shows as `malformed` on the client side. Accepts OpenSSL's empty TLS 1.3 `certificate_authorities`; sends its certificate whatever the list says",
  },
  bouncycastle: {
    stack:
      "BouncyCastle JSSE (BCJSSE, Debian bctls/bcprov 1.72) on OpenJDK 17, its own key manager; one JVM per option set",
    tls: "1.2, 1.3",
    limits:
      "CertificateRequest body over 32,768 B (`jdk.tls.maxHandshakeMessageSize`, which BCJSSE reads too): `excessive-size`, client side (`Handshake message length exceeds the maximum: certificate_request(13), 32769 > 32768`, then its own internal_error alert), exact to the byte on TLS 1.2 and 1.3 — every whole Microsoft list since 2012 is past it, as for Java. Refuses OpenSSL's empty TLS 1.3 `certificate_authorities` (`TlsFatalAlert: decode_error(50)`)",
  },
  curl: {
    stack: "Debian's curl (libcurl + OpenSSL), one process per handshake",
    tls: "1.2, 1.3",
    limits:
      "none below the server's (OpenSSL `max_cert_list` 102,400 B); accepts the empty TLS 1.3 extension",
  },
  mbedtls: {
    stack:
      "mbed TLS 2.28 (Debian's libmbedtls), a small C client; one process per run; sends its one certificate whatever the list says (the library skips the names and has no API for them)",
    tls: "1.2 only (Debian builds 2.28 without TLS 1.3)",
    limits:
      "a CertificateRequest that does not fit in one 16,384-byte record (body over 16,380 B): `excessive-size`, client side (`TLS handshake fragmentation not supported`, -0x7080), bisected to the byte on 2.28.3 — the 2015 Microsoft list is already past it",
  },
  wolfssl: {
    stack:
      "wolfSSL 5.5 (Debian's libwolfssl, --enable-distro), a small C client; one process per run; sends the certificate loaded into its context whatever the list says; a certificate setup callback counts the names (TLS 1.2 only: 5.5 hands out no TLS 1.3 names)",
    tls: "1.2, 1.3",
    limits:
      "body over 18,462 B (`MAX_HANDSHAKE_SZ` as Debian builds it): `excessive-size`, client side (-404 `Handshake message too large`), bisected to the byte on 5.5.4 on TLS 1.2 and 1.3. TLS 1.3 without a certificate: the server's `certificate_required` reads as -328 `malformed buffer input`",
  },
  rustls: {
    stack:
      "rustls 0.20 (Debian's librust-rustls-dev, built offline with Debian's cargo), `with_single_cert`; one process per run, on the host in both runtimes; a wrapper around the resolver counts the names rustls hands it (TLS 1.2 and 1.3)",
    tls: "1.2, 1.3",
    limits:
      "body over 65,535 B (`MAX_HANDSHAKE_SIZE`): the client refuses it as `received corrupt message of type Handshake` (reported `malformed`, client side: rustls words an oversize and an undecodable message alike), bisected to the byte on 0.20.8 on TLS 1.2 and 1.3 — inside what OpenSSL still sends (TLS 1.2 lists of 65,488..65,535 B, TLS 1.3 lists of 65,489..65,491 B)",
  },
};

/** The clients' capability table (markdown), as the servers' one: version, TLS, selection, limits found. */
export function clientTable(versions: Partial<Record<ClientName, string>>): string {
  const rows = CLIENT_NAMES.map((n) => {
    const f = CLIENT_FACTS[n];
    const sel =
      NATIVE_SELECTION[n] === "by-issuer-list"
        ? "by-issuer-list (sends nothing when its issuer is not advertised)"
        : ["node", "openssl", "gnutls"].includes(n)
          ? 'always (`select: "by-issuer-list"` emulates KB 2801679)'
          : "always";
    const starttls = SPEAKS_STARTTLS[n].length
      ? SPEAKS_STARTTLS[n].join(", ")
      : "none (a scenario pairing it with a STARTTLS server is refused)";
    return `| **${n}** | ${versions[n] ?? "not available here"} | ${f.stack} | ${f.tls} | ${sel} | ${starttls} | ${f.limits} |`;
  });
  return [
    "### Clients",
    "",
    "| client | version | stack | TLS | selection | STARTTLS | limits found |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
