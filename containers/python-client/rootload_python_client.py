"""rootload's Python client: the standard library's ssl module (OpenSSL underneath), as scripts and
requests/urllib callers use it: the configured certificate is sent whatever the server's CA list
says. One interpreter serves many handshakes over a control connection (start-up would otherwise
dominate the figure); no session is ever reused (ssl only resumes when handed a session).

Protocol (tab-separated lines on a TCP control connection to 127.0.0.1:<port>):
  request:  id host port tls(1.2|1.3) certPem|- keyPem|- timeoutMs verdictMs
  answer:   id ok|fail ms alias issuers detail
alias is "client" when a certificate was configured, "null" otherwise; issuers is -1 (the ssl
module does not expose the CA names).
"""
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


def handshake(f):
    rid, host, port, tls, cert, key, timeout_ms, verdict_ms = f[:8]
    alias = "client" if cert != "-" else "null"
    try:
        ctx = context(tls, cert, key)
    except Exception as e:  # noqa: BLE001 - reported as data
        return f"{rid}\tfail\t0\tnull\t-1\trootload: cannot load the identity: {clean(repr(e))}"
    t0 = time.perf_counter()
    ms = None
    try:
        with socket.create_connection((host, int(port)), timeout=int(timeout_ms) / 1000) as raw:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with ctx.wrap_socket(raw, server_hostname=None) as s:
                ms = (time.perf_counter() - t0) * 1000
                # TLS 1.3: the server judges the certificate after our Finished; ask for a byte.
                s.settimeout(int(verdict_ms) / 1000)
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
