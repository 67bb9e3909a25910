import { InputError } from "../errors.ts";
import { isSourceName } from "../roots/catalog.ts";
import { isDirectory } from "../roots/input.ts";
import { readHead } from "../roots/load.ts";
import type { CaSetup } from "./ca-setup.ts";
import { loadCaSource } from "./ca-source.ts";
import { readApache } from "./config/read-apache.ts";
import { readHaproxy } from "./config/read-haproxy.ts";
import { readLighttpd } from "./config/read-lighttpd.ts";
import { readMariadb } from "./config/read-mariadb.ts";
import { readNginx } from "./config/read-nginx.ts";
import { readStunnel } from "./config/read-stunnel.ts";
import type { ServerStack } from "./limits.ts";

type ConfigKind = "nginx" | "apache" | "haproxy" | "stunnel" | "lighttpd" | "mariadb";

const READERS: Record<ConfigKind, (file: string, endpoint?: string) => CaSetup> = {
  nginx: readNginx,
  apache: readApache,
  haproxy: readHaproxy,
  stunnel: readStunnel,
  lighttpd: readLighttpd,
  mariadb: (file) => readMariadb(file),
};

/** Which server's configuration this text is, by the directives only that server has. */
function configKind(text: string): ConfigKind | undefined {
  if (
    /^\s*(ssl_client_certificate|ssl_verify_client|ssl_certificate)\s|^\s*(http|stream|server)\s*\{/m.test(
      text,
    )
  )
    return "nginx";
  if (/^\s*(<VirtualHost|SSLEngine|SSLCACertificate|SSLVerifyClient|Listen\s)/im.test(text)) return "apache";
  if (/^\s*(frontend|listen|backend)\s+\S+|^\s*bind\s+\S+.*\bssl\b/m.test(text)) return "haproxy";
  if (/^\s*(ssl\.engine|ssl\.pemfile|server\.modules|\$SERVER\[)/m.test(text)) return "lighttpd";
  if (
    /^\s*\[(mysqld|server|mariadb|mariadbd|client-server)(-[\d.]+)?\]\s*$/im.test(text) &&
    /^\s*ssl[-_](ca|capath|cert|key)\b/im.test(text)
  )
    return "mariadb";
  if (/^\s*\[[^\]]+\]\s*$/m.test(text) && /^\s*(accept|connect|CAfile|cert)\s*=/im.test(text))
    return "stunnel";
  return undefined;
}

/**
 * Turn the argument into what a server is set up to advertise: a root source (bundle,
 * directory, CTL, certdata.txt, or a snapshot name such as `microsoft:2025-06-16`) as one list, or a server configuration read the way that server
 * reads it. `server` picks the reader when the content alone does not say.
 * @throws InputError naming the file and the problem (exit 2)
 */
export function readInput(path: string, o: { server?: ServerStack; endpoint?: string } = {}): CaSetup {
  if (!isSourceName(path) && !isDirectory(path)) {
    const text = Buffer.from(readHead(path)).toString("latin1");
    const isCa =
      text.includes("-----BEGIN CERTIFICATE") ||
      text.startsWith("MSCF") ||
      text.charCodeAt(0) === 0x30 ||
      /^CKA_CLASS|BEGINDATA/m.test(text);
    if (!isCa) {
      const named = o.server && o.server in READERS ? (o.server as ConfigKind) : undefined;
      const kind = named ?? configKind(text);
      if (!kind)
        throw new InputError(
          path,
          "neither a CA source (PEM, DER, CTL, certdata.txt, directory) nor an nginx, Apache, HAProxy, stunnel, lighttpd or MariaDB (my.cnf) configuration",
        );
      return READERS[kind](path, o.endpoint);
    }
  }
  const entries = loadCaSource(path);
  return { source: path, advertise: entries, verifyOnly: [], caNames: "sent", from: [], notes: [] };
}
