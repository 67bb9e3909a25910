/**
 * The Node.js TLS server the node driver runs (as a child process, or in the container under
 * Debian's nodejs). Plain JavaScript for any Node ≥ 18; reads node-server.json from its
 * directory and re-reads it on SIGHUP (`server.setSecureContext`, no restart).
 *
 * Node builds its client CA list from `ca` and has no option to advertise fewer names than it
 * trusts, so for `none` and subsets the script passes only the advertised names as `ca`, lets
 * OpenSSL complete the handshake, and checks the client's chain against the whole store itself.
 */
export const NODE_SERVER_SCRIPT = `// rendered by rootload
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import tls from "node:tls";

const confPath = process.argv[2];
let conf;
let anchors = [];

function pems(file) {
  const text = readFileSync(file, "utf8");
  return text.match(/-----BEGIN CERTIFICATE-----[\\s\\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function contextOptions() {
  conf = JSON.parse(readFileSync(confPath, "utf8"));
  anchors = pems(conf.verifyFile).map((p) => new X509Certificate(p));
  const o = {
    cert: readFileSync(conf.certFile),
    key: readFileSync(conf.keyFile),
    minVersion: conf.minVersion,
    maxVersion: conf.maxVersion,
  };
  if (conf.ciphers) o.ciphers = conf.ciphers;
  // "all": OpenSSL verifies against ca and advertises it. Otherwise ca = the advertised names only.
  const ca = conf.mode === "all" ? pems(conf.verifyFile) : conf.mode === "subset" ? pems(conf.advertiseFile) : [];
  if (ca.length) o.ca = ca;
  return o;
}

function trustedByStore(peer) {
  const now = Date.now();
  if (Date.parse(peer.validFrom) > now || Date.parse(peer.validTo) < now) return false;
  return anchors.some((a) => peer.checkIssued(a) && peer.verify(a.publicKey));
}

const server = tls.createServer(
  { ...contextOptions(), requestCert: true, rejectUnauthorized: false },
  (sock) => {
    const peer = sock.getPeerX509Certificate();
    const require = conf.clientAuth === "require";
    const ok = conf.mode === "all" ? (peer ? sock.authorized : !require) : peer ? trustedByStore(peer) : !require;
    if (!ok) {
      console.error("rootload node server: client rejected: " + (peer ? peer.subject.replace(/\\n/g, ", ") + " " + (sock.authorizationError ?? "not issued by the store") : "no certificate"));
      sock.destroy();
      return;
    }
    sock.on("data", () => sock.end("HTTP/1.0 200 OK\\r\\ncontent-type: text/plain\\r\\n\\r\\nok\\n"));
    sock.on("error", () => {});
  },
);
server.on("tlsClientError", (err) => console.error("rootload node server: handshake failed: " + err.message));
process.on("SIGHUP", () => {
  try {
    server.setSecureContext(contextOptions());
    console.error("rootload node server reloaded");
  } catch (err) {
    console.error("rootload node server reload failed: " + err.message);
  }
});
process.on("SIGTERM", () => process.exit(0));
server.listen(conf.port, conf.host ?? "127.0.0.1", () => {
  console.error("rootload node server listening node=" + process.version + " openssl=" + process.versions.openssl + " pid=" + process.pid);
});
`;
