"""rootload's Python client: the standard library's ssl module (OpenSSL underneath), as scripts and
requests/urllib callers use it: the configured certificate is sent whatever the server's CA list
says. One interpreter serves many handshakes over a control connection (start-up would otherwise
dominate the figure); no session is ever reused (ssl only resumes when handed a session).

Protocol (tab-separated lines on a TCP control connection to 127.0.0.1:<port>):
  request:  id host port tls(1.2|1.3) certPem|- keyPem|- timeoutMs verdictMs [smtp|imap]
  answer:   id ok|fail ms alias issuers detail
With smtp or imap the standard library's own STARTTLS runs first (smtplib, imaplib), and the
verdict is the answer to a NOOP under TLS; a server that will not upgrade is "STARTTLS refused: …".
alias is "client" when a certificate was configured, "null" otherwise; issuers is -1 (the ssl
module does not expose the CA names).
"""
import imaplib
import smtplib
import socket
import ssl
import sys
import time

REQUEST = b"GET / HTTP/1.0\r\nHost: rootload\r\n\r\n"
_contexts = {}


def context(tls, cert, key):
    k = (tls, cert, key)
    if k not in _contexts:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        # The harness tests the server's CA list, not its certificate.
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        v = ssl.TLSVersion.TLSv1_3 if tls == "1.3" else ssl.TLSVersion.TLSv1_2
        ctx.minimum_version = v
        ctx.maximum_version = v
        if cert != "-":
            ctx.load_cert_chain(cert, key)
        _contexts[k] = ctx
    return _contexts[k]


def clean(s):
    return s.replace("\t", " ").replace("\n", " ").replace("\r", " ")


class StartTlsRefused(Exception):
    pass


def mail_handshake(protocol, ctx, host, port, timeout_ms, verdict_ms, t0):
    """smtplib / imaplib STARTTLS, then NOOP under TLS; returns the handshake time in ms."""
    if protocol == "smtp":
        try:
            c = smtplib.SMTP(host, int(port), local_hostname="rootload.invalid", timeout=int(timeout_ms) / 1000)
        except smtplib.SMTPConnectError as e:
            # A greeting that is an SMTP reply but not 220; -1 is smtplib's "not a reply at all".
            if 100 <= e.smtp_code <= 599:
                raise StartTlsRefused(f"greeted with {e.smtp_code} {e.smtp_error.decode('latin1')}") from e
            raise
        try:
            c.ehlo()
            if not c.has_extn("starttls"):
                raise StartTlsRefused("the server's EHLO reply offers no STARTTLS")
            code, msg = c.docmd("STARTTLS")
            if code != 220:
                raise StartTlsRefused(f"{code} {msg.decode('latin1')}")
            c.sock = ctx.wrap_socket(c.sock, server_hostname=None)
            c.file = None
            ms = (time.perf_counter() - t0) * 1000
            c.sock.settimeout(int(verdict_ms) / 1000 + int(timeout_ms) / 1000)
            c.ehlo()
            code, msg = c.noop()
            if code != 250:
                raise ConnectionError(f"NOOP under TLS answered {code} {msg.decode('latin1')}")
            return ms
        finally:
            c.close()
    c = imaplib.IMAP4(host, int(port), timeout=int(timeout_ms) / 1000)
    try:
        if "STARTTLS" not in c.capabilities:
            raise StartTlsRefused("the server's CAPABILITY lists no STARTTLS")
        try:
            c.starttls(ssl_context=ctx)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as e:
            raise StartTlsRefused(str(e)) from e
        ms = (time.perf_counter() - t0) * 1000
        c.noop()
        return ms
    finally:
        try:
            c.shutdown()
        except Exception:  # noqa: BLE001 - the verdict is already in
            pass


def handshake(f):
    rid, host, port, tls, cert, key, timeout_ms, verdict_ms = f[:8]
    starttls = f[8] if len(f) > 8 and f[8] != "-" else None
    # The application step (harness/model/application.ts): "http" sends a GET, "none" only listens.
    app = f[9] if len(f) > 9 else "http"
    alias = "client" if cert != "-" else "null"
    try:
        ctx = context(tls, cert, key)
    except Exception as e:  # noqa: BLE001 - reported as data
        return f"{rid}\tfail\t0\tnull\t-1\trootload: cannot load the identity: {clean(repr(e))}"
    t0 = time.perf_counter()
    ms = None
    if starttls:
        try:
            ms = mail_handshake(starttls, ctx, host, port, timeout_ms, verdict_ms, t0)
            return f"{rid}\tok\t{ms:.3f}\t{alias}\t-1\t"
        except StartTlsRefused as e:
            at = (time.perf_counter() - t0) * 1000
            return f"{rid}\tfail\t{at:.3f}\t{alias}\t-1\tSTARTTLS refused: {clean(str(e))}"
        except Exception as e:  # noqa: BLE001 - a failed handshake is a result
            at = (time.perf_counter() - t0) * 1000
            return f"{rid}\tfail\t{at:.3f}\t{alias}\t-1\t{clean(type(e).__name__ + ': ' + str(e))}"
    try:
        with socket.create_connection((host, int(port)), timeout=int(timeout_ms) / 1000) as raw:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with ctx.wrap_socket(raw, server_hostname=None) as s:
                ms = (time.perf_counter() - t0) * 1000
                # TLS 1.3: the server judges the certificate after our Finished; ask for a byte.
                s.settimeout(int(verdict_ms) / 1000)
                if app == "http":
                    s.sendall(REQUEST)
                try:
                    if s.recv(1) == b"":
                        return f"{rid}\tfail\t{ms:.3f}\t{alias}\t-1\trootload: closed by the server after the handshake, without an alert"
                except socket.timeout:
                    pass  # no alert within the verdict window: accepted
        return f"{rid}\tok\t{ms:.3f}\t{alias}\t-1\t"
    except Exception as e:  # noqa: BLE001 - a failed handshake is a result
        at = ms if ms is not None else (time.perf_counter() - t0) * 1000
        return f"{rid}\tfail\t{at:.3f}\t{alias}\t-1\t{clean(type(e).__name__ + ': ' + str(e))}"


def main():
    port = int(sys.argv[1])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(4)
    print(f"rootload-python-client ready on {port} (python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION})", flush=True)
    while True:
        conn, _ = srv.accept()
        with conn, conn.makefile("rw", encoding="utf-8", newline="\n") as io:
            for line in io:
                line = line.rstrip("\n")
                if line == "quit":
                    return
                io.write(handshake(line.split("\t")) + "\n")
                io.flush()


if __name__ == "__main__":
    main()
