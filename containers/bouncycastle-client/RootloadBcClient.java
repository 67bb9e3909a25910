// rootload's BouncyCastle client: the BCJSSE provider (Debian libbctls-java, with libbcprov-java as
// its only crypto provider), the other Java TLS stack, used where FIPS or post-quantum providers are
// needed. Its own key manager (KeyManagerFactory "X.509" from BCJSSE, which filters the client's
// aliases by the issuers the server offered) and its own limits (jdk.tls.maxHandshakeMessageSize,
// read by BCJSSE too, 32,768 B by default). One JVM serves many handshakes.
//
// Protocol (one line per request and per answer, tab-separated, on a TCP control connection to
// 127.0.0.1:<port>; the harness connects once and feeds handshakes in a loop):
//   request:  id host port tls(1.2|1.3) certPem|- keyPem|- timeoutMs verdictMs
//   answer:   id ok|fail ms alias issuers detail
// `alias` is what BCJSSE's key manager chose ("null": none, so no certificate went out); `issuers`
// is how many CA names BCJSSE handed it from the CertificateRequest (-1: never asked).
// Compiled without a JDK: java -m jdk.compiler/com.sun.tools.javac.Main -cp bctls.jar:bcprov.jar:bcutil.jar
//   -d OUT RootloadBcClient.java

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

public final class RootloadBcClient {
  private static final char[] PASS = "rootload".toCharArray();
  /** BCJSSE over the BC provider for its crypto: no SunJSSE, no SunEC in the TLS path. */
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final BouncyCastleJsseProvider BCJSSE = new BouncyCastleJsseProvider(BC);
  private static final byte[] REQUEST =
      "GET / HTTP/1.0\r\nHost: rootload\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Delegates to BCJSSE's key manager and records what it chose: proof of what was sent. */
  static final class RecordingKeyManager extends X509ExtendedKeyManager {
    private final X509KeyManager delegate;
    volatile String chosen;
    volatile int issuers = -1;

    RecordingKeyManager(X509KeyManager delegate) {
      this.delegate = delegate;
    }

    void reset() {
      chosen = null;
      issuers = -1;
    }

    private String record(String alias, Principal[] offered) {
      chosen = alias;
      issuers = offered == null ? 0 : offered.length;
      return alias;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] offered, Socket socket) {
      return record(delegate.chooseClientAlias(keyType, offered, socket), offered);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] offered, SSLEngine engine) {
      String alias =
          delegate instanceof X509ExtendedKeyManager
              ? ((X509ExtendedKeyManager) delegate).chooseEngineClientAlias(keyType, offered, engine)
              : delegate.chooseClientAlias(keyType, offered, null);
      return record(alias, offered);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] offered) {
      return delegate.getClientAliases(keyType, offered);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] offered, Socket socket) {
      return delegate.chooseServerAlias(keyType, offered, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] offered) {
      return delegate.getServerAliases(keyType, offered);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }

  /** The harness tests the server's CA list, not its certificate. */
  static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static final Map<String, RecordingKeyManager> KEY_MANAGERS = new HashMap<>();

  private static byte[] pemBody(String pem) {
    StringBuilder b = new StringBuilder();
    for (String line : pem.split("\n")) if (!line.startsWith("-----")) b.append(line.trim());
    return Base64.getDecoder().decode(b.toString());
  }

  private static PrivateKey readKey(String path) throws Exception {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pemBody(Files.readString(Path.of(path))));
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    } catch (Exception notRsa) {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    }
  }

  /** BCJSSE's own key manager (KeyManagerFactory "X.509", its default) over one identity. */
  private static RecordingKeyManager keyManager(String cert, String key) throws Exception {
    String k = cert + "|" + key;
    RecordingKeyManager hit = KEY_MANAGERS.get(k);
    if (hit != null) return hit;
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    if (!cert.equals("-")) {
      Certificate leaf;
      try (InputStream in = Files.newInputStream(Path.of(cert))) {
        leaf = CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      // The leaf alone, as a client holding one certificate from its enterprise CA.
      ks.setKeyEntry("client", readKey(key), PASS, new Certificate[] {leaf});
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("X.509", BCJSSE);
    kmf.init(ks, PASS);
    X509KeyManager base = null;
    for (KeyManager m : kmf.getKeyManagers()) if (m instanceof X509KeyManager) base = (X509KeyManager) m;
    RecordingKeyManager rec = new RecordingKeyManager(base);
    KEY_MANAGERS.put(k, rec);
    return rec;
  }

  private static String clean(String s) {
    return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  /** Exception class and message, with each cause: the classification reads all of it. */
  private static String describe(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null && b.length() < 900; c = c.getCause()) {
      if (b.length() > 0) b.append(" <- ");
      b.append(c.getClass().getName()).append(": ").append(clean(c.getMessage()));
    }
    return b.toString();
  }

  private static String handshake(String[] f) {
    String id = f[0];
    String host = f[1];
    int port = Integer.parseInt(f[2]);
    String tls = f[3].equals("1.3") ? "TLSv1.3" : "TLSv1.2";
    int timeoutMs = Integer.parseInt(f[6]);
    int verdictMs = Integer.parseInt(f[7]);
    RecordingKeyManager km;
    long t0 = System.nanoTime();
    double ms = 0;
    try {
      km = keyManager(f[4], f[5]);
    } catch (Exception e) {
      return id + "\tfail\t0\tnull\t-1\trootload: cannot load the identity: " + describe(e);
    }
    km.reset();
    try {
      // A fresh context per handshake: its session cache starts empty, so nothing is resumed (a
      // resumed TLS 1.3 handshake carries no CertificateRequest).
      SSLContext ctx = SSLContext.getInstance("TLS", BCJSSE);
      ctx.init(new KeyManager[] {km}, new TrustManager[] {new TrustAll()}, null);
      t0 = System.nanoTime();
      try (Socket plain = new Socket()) {
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(InetAddress.getByName(host), port), timeoutMs);
        plain.setSoTimeout(timeoutMs);
        try (SSLSocket s =
            (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true)) {
          s.setEnabledProtocols(new String[] {tls});
          s.startHandshake();
          ms = (System.nanoTime() - t0) / 1e6;
          // TLS 1.3: the server judges our certificate after our Finished and JSSE's
          // startHandshake() has already returned; ask for a byte to hear its verdict. TLS 1.2:
          // the server's Finished came after its check, but reading costs little and is uniform.
          s.setSoTimeout(verdictMs);
          // The application step (harness/model/application.ts): "http" sends a GET, "none"
          // sends nothing and only listens (a raw TLS server, or one the request would break).
          if (f.length < 10 || f[9].equals("http")) {
            OutputStream out = s.getOutputStream();
            out.write(REQUEST);
            out.flush();
          }
          try {
            int b = s.getInputStream().read();
            if (b < 0)
              return id + "\tfail\t" + ms + "\t" + km.chosen + "\t" + km.issuers
                  + "\trootload: closed by the server after the handshake, without an alert";
          } catch (SocketTimeoutException quiet) {
            // No alert within the verdict window: accepted (the server had nothing to say).
          }
        }
      }
      return id + "\tok\t" + ms + "\t" + km.chosen + "\t" + km.issuers + "\t";
    } catch (Exception e) {
      if (ms == 0) ms = (System.nanoTime() - t0) / 1e6;
      return id + "\tfail\t" + ms + "\t" + km.chosen + "\t" + km.issuers + "\t" + describe(e);
    }
  }

  /**
   * Load BCJSSE's context and socket classes once before saying ready: bcprov is a signed jar whose
   * classes are verified as they load, and on a loaded machine the first SSLContext.init took 17 s
   * of wall time (in a container), which would otherwise fall on the first handshake's timeout.
   */
  private static void warmUp() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS", BCJSSE);
    ctx.init(new KeyManager[] {keyManager("-", "-")}, new TrustManager[] {new TrustAll()}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.setEnabledProtocols(new String[] {"TLSv1.2", "TLSv1.3"});
    }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    try (ServerSocket control = new ServerSocket(port, 4, InetAddress.getLoopbackAddress())) {
      warmUp();
      System.out.println(
          "rootload-bouncycastle-client ready on "
              + port
              + " (BCJSSE "
              + BCJSSE.getVersionStr()
              + ", bcprov "
              + BC.getVersionStr()
              + ", java "
              + System.getProperty("java.version")
              + ", jdk.tls.maxHandshakeMessageSize="
              + System.getProperty("jdk.tls.maxHandshakeMessageSize", "default")
              + ")");
      System.out.flush();
      while (true) {
        try (Socket c = control.accept();
            BufferedReader in =
                new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out =
                new PrintWriter(new java.io.OutputStreamWriter(c.getOutputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (line.equals("quit")) return;
            out.println(handshake(line.split("\t", -1)));
            out.flush();
          }
        }
      }
    }
  }
}
