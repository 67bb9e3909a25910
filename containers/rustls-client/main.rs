//! rootload's rustls client: rustls 0.20 (Debian's librust-rustls-dev), one process serving many
//! handshakes fed over a control connection, like the Go client. The certificate is chosen by
//! rustls's own `with_single_cert` resolver (AlwaysResolvesClientCert: the configured certificate
//! whatever the CertificateRequest lists); a wrapper around it counts the CA names rustls hands to
//! the resolver and changes nothing.
//!
//! Protocol (tab-separated lines on a TCP control connection to 127.0.0.1:<port>):
//!   request:  id host port tls(1.2|1.3) certPem|- keyPem|- timeoutMs verdictMs
//!   answer:   id ok|fail ms alias issuers detail
//! alias is "client" when the resolver returned a certificate, "null" when it returned none;
//! issuers is the number of names it was handed (-1: never asked).
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use rustls::client::{
    NoClientSessionStorage, ResolvesClientCert, ServerCertVerified, ServerCertVerifier,
};
use rustls::sign::CertifiedKey;
use rustls::{Certificate, ClientConfig, ClientConnection, PrivateKey, ServerName, SignatureScheme};

const REQUEST: &[u8] = b"GET / HTTP/1.0\r\nHost: rootload\r\n\r\n";

/// The harness tests the server's CA list, not its certificate.
struct AcceptAny;
impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _: &Certificate,
        _: &[Certificate],
        _: &ServerName,
        _: &mut dyn Iterator<Item = &[u8]>,
        _: &[u8],
        _: SystemTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
}

/// What the resolver was asked and answered during one handshake.
#[derive(Default)]
struct Seen {
    issuers: Option<usize>,
    sent: bool,
}

/// rustls's own single-certificate resolver, watched.
struct Watched {
    inner: Arc<dyn ResolvesClientCert>,
    seen: Arc<Mutex<Seen>>,
}
impl ResolvesClientCert for Watched {
    fn resolve(&self, issuers: &[&[u8]], schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        let chosen = self.inner.resolve(issuers, schemes);
        let mut s = self.seen.lock().unwrap();
        s.issuers = Some(issuers.len());
        s.sent = chosen.is_some();
        chosen
    }
    fn has_certs(&self) -> bool {
        self.inner.has_certs()
    }
}

/// The DER blocks of a PEM file with the given label suffix ("CERTIFICATE", "PRIVATE KEY").
fn pem_blocks(path: &str, label: &str) -> Result<Vec<Vec<u8>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {}", path, e))?;
    let mut out = Vec::new();
    let mut body: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN ") && line.ends_with(&format!("{}-----", label)) {
            body = Some(String::new());
        } else if line.starts_with("-----END ") {
            if let Some(b) = body.take() {
                out.push(base64(&b).ok_or_else(|| format!("{}: bad base64", path))?);
            }
        } else if let Some(b) = body.as_mut() {
            b.push_str(line);
        }
    }
    if out.is_empty() {
        return Err(format!("{}: no {} block", path, label));
    }
    Ok(out)
}

fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn config(tls: &str, cert: &str, key: &str, seen: &Arc<Mutex<Seen>>) -> Result<ClientConfig, String> {
    static TLS13: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
    static TLS12: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS12];
    let versions: &[&rustls::SupportedProtocolVersion] = if tls == "1.3" { &TLS13 } else { &TLS12 };
    let builder = ClientConfig::builder()
        .with_safe_default_cipher_suites()
        .with_safe_default_kx_groups()
        .with_protocol_versions(versions)
        .map_err(|e| e.to_string())?
        .with_custom_certificate_verifier(Arc::new(AcceptAny));
    let mut cfg = if cert == "-" {
        builder.with_no_client_auth()
    } else {
        let chain = pem_blocks(cert, "CERTIFICATE")?.into_iter().map(Certificate).collect();
        let der = pem_blocks(key, "PRIVATE KEY")?.remove(0);
        // rustls's own resolver for one certificate, exactly as an application configures it.
        let plain = ClientConfig::builder()
            .with_safe_defaults()
            .with_custom_certificate_verifier(Arc::new(AcceptAny))
            .with_single_cert(chain, PrivateKey(der))
            .map_err(|e| format!("rootload: cannot load the identity: {}", e))?;
        builder.with_client_cert_resolver(Arc::new(Watched {
            inner: plain.client_auth_cert_resolver.clone(),
            seen: seen.clone(),
        }))
    };
    // Every handshake is full: a resumed TLS 1.3 handshake carries no CertificateRequest.
    cfg.session_storage = Arc::new(NoClientSessionStorage {});
    cfg.enable_tickets = false;
    Ok(cfg)
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn handshake(f: &[&str]) -> String {
    if f.len() < 8 {
        return format!("{}\tfail\t0\tnull\t-1\trootload: bad request line", f[0]);
    }
    let (id, host, port, tls) = (f[0], f[1], f[2], f[3]);
    let timeout = Duration::from_millis(f[6].parse().unwrap_or(10_000));
    let verdict = Duration::from_millis(f[7].parse().unwrap_or(500));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let answer = |ok: bool, ms: f64, detail: &str| {
        let s = seen.lock().unwrap();
        let alias = if s.sent { "client" } else { "null" };
        let issuers = s.issuers.map(|n| n as i64).unwrap_or(-1);
        format!(
            "{}\t{}\t{:.3}\t{}\t{}\t{}",
            id,
            if ok { "ok" } else { "fail" },
            ms,
            alias,
            issuers,
            clean(detail)
        )
    };
    let cfg = match config(tls, f[4], f[5], &seen) {
        Ok(c) => Arc::new(c),
        Err(e) => return answer(false, 0.0, &e),
    };
    let t0 = Instant::now();
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let addr = match (host, port.parse::<u16>().unwrap_or(0)).to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(a)) => a,
        _ => return answer(false, 0.0, &format!("rootload: cannot resolve {}", host)),
    };
    let mut sock = match TcpStream::connect_timeout(&addr, timeout) {
        Ok(s) => s,
        Err(e) => return answer(false, ms(t0), &format!("io: connect: {}", e)),
    };
    let _ = sock.set_read_timeout(Some(timeout));
    let _ = sock.set_write_timeout(Some(timeout));
    // No SNI to an IP address; a name for the connection all the same.
    let name = ServerName::try_from(host).unwrap_or_else(|_| ServerName::try_from("rootload.invalid").unwrap());
    let mut conn = match ClientConnection::new(cfg, name) {
        Ok(c) => c,
        Err(e) => return answer(false, 0.0, &format!("rustls: {}", e)),
    };
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut sock) {
            let detail = match e.kind() {
                ErrorKind::WouldBlock | ErrorKind::TimedOut => format!("io: timeout: {}", e),
                ErrorKind::InvalidData => format!("rustls: {}", e),
                _ => format!("io: {}", e),
            };
            return answer(false, ms(t0), &detail);
        }
        if t0.elapsed() > timeout {
            return answer(false, ms(t0), "io: timeout: no handshake within the bound");
        }
    }
    let done = ms(t0);
    // Like the other clients: a request (to a web server: field 10, the step after the handshake,
    // model/application.ts), then wait for the server's verdict (an alert or data).
    let http = f.get(9).map_or(true, |s| *s == "http");
    let _ = sock.set_read_timeout(Some(verdict));
    let mut tls_stream = rustls::Stream::new(&mut conn, &mut sock);
    if http {
        if let Err(e) = tls_stream.write_all(REQUEST) {
            return answer(false, done, &format!("rustls: {}", e));
        }
    }
    let mut one = [0u8; 1];
    match tls_stream.read(&mut one) {
        Ok(0) => answer(false, done, "rootload: closed by the server after the handshake, without an alert"),
        Ok(_) => answer(true, done, ""),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => answer(true, done, ""),
        Err(e) if e.kind() == ErrorKind::InvalidData => answer(false, done, &format!("rustls: {}", e)),
        Err(e) => answer(false, done, &format!("io: {}", e)),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        eprintln!("usage: rootload-rustls-client CONTROL_PORT");
        std::process::exit(2);
    }
    let listener = TcpListener::bind(("127.0.0.1", args[1].parse::<u16>().unwrap_or(0))).unwrap_or_else(|e| {
        eprintln!("rootload-rustls-client: listen: {}", e);
        std::process::exit(1)
    });
    println!("rootload-rustls-client ready on {} (rustls {})", args[1], env!("ROOTLOAD_RUSTLS_VERSION"));
    for c in listener.incoming() {
        let c = match c {
            Ok(c) => c,
            Err(_) => std::process::exit(1),
        };
        let mut out = c.try_clone().expect("control socket");
        for line in BufReader::new(c).lines() {
            let line = match line {
                Ok(l) => l,
                Err(_) => break,
            };
            if line == "quit" {
                std::process::exit(0);
            }
            let f: Vec<&str> = line.split('\t').collect();
            let _ = writeln!(out, "{}", handshake(&f));
        }
    }
}
