// rootload's JSSE server (the TLS stack under Tomcat, Jetty, Kafka, Spring). Plain Java 17, no
// dependencies; compiled at launch with the JRE's own compiler
// (`java -m jdk.compiler/com.sun.tools.javac.Main`). Reads a properties file named on the command
// line and re-reads it on SIGHUP: a new SSLContext for every later connection, same JVM.
//
// What the CertificateRequest advertises is decided by the trust manager's getAcceptedIssuers()
// (JSSE's CertificateRequest producers call it), while the client's chain is verified by the
// PKIX trust manager over the whole store. So every policy is expressible.
//
// With `provider=BCJSSE` the same server runs on BouncyCastle JSSE instead of SunJSSE (the
// bouncycastle driver): SSLContext, key and trust managers from BCJSSE over the BC provider, loaded
// by name from the BC jars on the classpath, so the SunJSSE build needs no BC at all. BCJSSE asks
// the same getAcceptedIssuers() for its CertificateRequest.

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

public final class RootloadServer {
  /** One configuration, ready to serve: the context and the per-socket settings. */
  record Serving(SSLContext ctx, String[] protocols, String[] ciphers, boolean require, int advertised) {}

  private static volatile Serving serving;
  private static Path confPath;
  /** "java" (SunJSSE) or "bouncycastle" (BCJSSE): the word in every log line. */
  private static String name = "java";
  /** BCJSSE over BC, or null for the platform's SunJSSE. */
  private static Provider jsse;
  private static String providerVersions = "";

  /** BCJSSE, constructed by name from the jars on the classpath (no compile-time dependency). */
  private static Provider bcjsse() throws Exception {
    Provider bc = (Provider) Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider")
        .getConstructor().newInstance();
    Provider p = (Provider) Class.forName("org.bouncycastle.jsse.provider.BouncyCastleJsseProvider")
        .getConstructor(Provider.class).newInstance(bc);
    providerVersions = " bcjsse=" + p.getVersionStr() + " bcprov=" + bc.getVersionStr();
    return p;
  }

  public static void main(String[] args) throws Exception {
    confPath = Path.of(args[0]);
    Properties first = load();
    if ("BCJSSE".equals(first.getProperty("provider"))) {
      name = "bouncycastle";
      jsse = bcjsse();
    }
    serving = build(first);
    int port = Integer.parseInt(first.getProperty("port"));
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> reload());
    ExecutorService pool = Executors.newCachedThreadPool();
    try (ServerSocket listener = new ServerSocket(port, 128, InetAddress.getByName(first.getProperty("host", "127.0.0.1")))) {
      log("rootload " + name + " server listening java=" + System.getProperty("java.version")
          + " vendor=" + System.getProperty("java.vendor").replace(' ', '_')
          + providerVersions
          + " advertised=" + serving.advertised() + " pid=" + ProcessHandle.current().pid());
      while (true) {
        Socket raw = listener.accept();
        Serving s = serving;
        pool.execute(() -> serve(raw, s));
      }
    }
  }

  private static void log(String line) {
    System.err.println(line);
    System.err.flush();
  }

  private static void reload() {
    try {
      serving = build(load());
      log("rootload " + name + " server reloaded advertised=" + serving.advertised());
    } catch (Exception e) {
      log("rootload " + name + " server reload failed: " + e);
    }
  }

  private static Properties load() throws Exception {
    Properties p = new Properties();
    try (InputStream in = new FileInputStream(confPath.toFile())) {
      p.load(in);
    }
    return p;
  }

  private static void serve(Socket raw, Serving s) {
    try (raw) {
      raw.setSoTimeout(30_000);
      SSLSocket tls = (SSLSocket) s.ctx().getSocketFactory().createSocket(raw, null, raw.getPort(), true);
      tls.setUseClientMode(false);
      tls.setEnabledProtocols(s.protocols());
      if (s.ciphers() != null) tls.setEnabledCipherSuites(s.ciphers());
      if (s.require()) tls.setNeedClientAuth(true);
      else tls.setWantClientAuth(true);
      try {
        tls.startHandshake();
        // TLS 1.3: the client's certificate is judged after its Finished; reading surfaces it.
        BufferedReader in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.ISO_8859_1));
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
          // Read the request head; the answer does not depend on it.
        }
        OutputStream out = tls.getOutputStream();
        out.write("HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nok\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (Exception e) {
        log("rootload " + name + " server: handshake failed: " + describe(e));
      }
      tls.close();
    } catch (Exception e) {
      log("rootload " + name + " server: connection failed: " + describe(e));
    }
  }

  /** The exception chain in one line: JSSE's reason ("Field length overflow ...") is usually a cause. */
  private static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (b.length() > 0) b.append(" <- ");
      b.append(t.getClass().getName()).append(": ").append(t.getMessage());
    }
    return b.toString();
  }

  private static Serving build(Properties p) throws Exception {
    List<X509Certificate> verify = certs(p.getProperty("verifyFile"));
    String mode = p.getProperty("mode");
    X509Certificate[] advertise =
        switch (mode) {
          case "all" -> verify.toArray(new X509Certificate[0]);
          case "none" -> new X509Certificate[0];
          default -> certs(p.getProperty("advertiseFile")).toArray(new X509Certificate[0]);
        };

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate c : verify) trust.setCertificateEntry("ca" + i++, c);
    TrustManagerFactory tmf =
        jsse == null ? TrustManagerFactory.getInstance("PKIX") : TrustManagerFactory.getInstance("PKIX", jsse);
    tmf.init(trust);
    X509ExtendedTrustManager pkix = null;
    for (TrustManager tm : tmf.getTrustManagers())
      if (tm instanceof X509ExtendedTrustManager x) pkix = x;
    if (pkix == null) throw new IllegalStateException("no PKIX trust manager");

    char[] pw = "rootload".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    List<X509Certificate> chain = certs(p.getProperty("certFile"));
    keys.setKeyEntry("server", privateKey(p.getProperty("keyFile")), pw, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf =
        jsse == null ? KeyManagerFactory.getInstance("SunX509") : KeyManagerFactory.getInstance("X.509", jsse);
    kmf.init(keys, pw);

    SSLContext ctx = jsse == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", jsse);
    ctx.init(kmf.getKeyManagers(), new TrustManager[] {new Advertising(pkix, advertise)}, null);
    String ciphers = p.getProperty("ciphers", "");
    return new Serving(
        ctx,
        p.getProperty("protocols").split(","),
        ciphers.isEmpty() ? null : ciphers.split(","),
        "require".equals(p.getProperty("clientAuth")),
        advertise.length);
  }

  private static List<X509Certificate> certs(String file) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    byte[] bytes = Files.readAllBytes(Path.of(file));
    List<X509Certificate> out = new ArrayList<>();
    if (bytes.length == 0) return out;
    Collection<? extends java.security.cert.Certificate> all = cf.generateCertificates(new ByteArrayInputStream(bytes));
    for (java.security.cert.Certificate c : all) out.add((X509Certificate) c);
    return out;
  }

  private static PrivateKey privateKey(String file) throws Exception {
    String pem = Files.readString(Path.of(file));
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64));
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    } catch (Exception notRsa) {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    }
  }

  /** PKIX verification over the whole store; getAcceptedIssuers() = what the CertificateRequest lists. */
  static final class Advertising extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final X509Certificate[] advertise;

    Advertising(X509ExtendedTrustManager pkix, X509Certificate[] advertise) {
      this.pkix = pkix;
      this.advertise = advertise;
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return advertise.clone();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      pkix.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      pkix.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      pkix.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      pkix.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      pkix.checkServerTrusted(chain, authType, engine);
    }
  }
}
