import { dirname } from "node:path";
import { at, type ConfigLine, readConfigFile, resolvePath } from "../../config/config-file.ts";
import { expandInclude } from "../../config/include.ts";
import { InputError } from "../../errors.ts";
import type { TlsVersion } from "../../model/tls.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaNames, CaSetup } from "../ca-setup.ts";
import { caFrom } from "./ca-from.ts";
import { pickEndpoint } from "./pick-endpoint.ts";

interface Directive extends ConfigLine {
  name: string;
  args: string[];
}

/** Split a directive line into words, honouring double quotes. */
function words(s: string): string[] {
  return [...s.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** Lines of a file with its includes spliced in, continuation lines joined, comments dropped. */
function lines(path: string, root: { dir: string }, where: string, depth = 0): Directive[] {
  if (depth > 16) throw new InputError(where, "includes nest deeper than 16 levels");
  const raw = readConfigFile(path, where).split("\n");
  const out: Directive[] = [];
  for (let n = 0; n < raw.length; n++) {
    const start = n + 1;
    let text = raw[n]!;
    while (text.endsWith("\\") && n + 1 < raw.length) text = text.slice(0, -1) + raw[++n]!;
    text = text.trim();
    if (!text || text.startsWith("#")) continue;
    const [name = "", ...args] = words(text);
    const d = { file: path, line: start, text, name, args };
    // Relative paths after this point resolve from the ServerRoot, as Apache reads its files in order.
    if (name.toLowerCase() === "serverroot") root.dir = resolvePath(dirname(path), args[0] ?? "");
    if (/^include(optional)?$/i.test(name)) {
      const optional = /optional/i.test(name);
      for (const f of expandInclude(resolvePath(root.dir, args[0] ?? ""), at(d), {
        optional,
        directories: true,
      }))
        out.push(...lines(f, root, at(d), depth + 1));
    } else out.push(d);
  }
  return out;
}

const SETTINGS = [
  "sslverifyclient",
  "sslcacertificatefile",
  "sslcacertificatepath",
  "sslcadnrequestfile",
  "sslcadnrequestpath",
  "sslprotocol",
  "sslopensslconfcmd",
] as const;

interface Found {
  endpoint: string;
  settings: Map<string, Directive[]>;
}

/** SSLProtocol words → TLS 1.2/1.3 (Apache 2.4 with OpenSSL 3: `all` is TLS 1.0 … 1.3). */
function protocols(args: string[]): TlsVersion[] {
  const on = new Set<TlsVersion>();
  for (const a of args) {
    const m = /^([+-]?)(all|TLSv1\.2|TLSv1\.3)$/i.exec(a);
    if (!m) continue;
    const which: TlsVersion[] =
      m[2]!.toLowerCase() === "all" ? ["1.2", "1.3"] : [m[2]!.slice(4) as TlsVersion];
    for (const t of which) m[1] === "-" ? on.delete(t) : on.add(t);
  }
  return (["1.2", "1.3"] as const).filter((t) => on.has(t));
}

/**
 * Apache mod_ssl: SSLCADNRequestFile/Path is the advertised list when set, else
 * SSLCACertificateFile/Path; `SSLOpenSSLConfCmd Options -CANames` turns names off (empty TLS 1.3
 * extension); no SSLCACertificate* with `SSLOpenSSLConfCmd VerifyCAFile` advertises nothing and
 * leaves the extension out. Names are sent sorted. Server-wide settings apply to every
 * VirtualHost that does not set its own. Relative paths resolve from ServerRoot.
 */
export function readApache(file: string, endpoint?: string): CaSetup {
  const root = { dir: dirname(file) };
  const all = lines(file, root, file);
  const serverRoot = root.dir;
  const global = new Map<string, Directive[]>();
  const found: Found[] = [];
  let vhost: Found | undefined;
  let nested = 0;
  for (const d of all) {
    const key = d.name.toLowerCase();
    if (key.startsWith("<virtualhost")) {
      vhost = {
        endpoint: `VirtualHost ${d.args.join(" ").replace(/>$/, "")} at ${at(d)}`,
        settings: new Map(),
      };
      continue;
    }
    if (key === "</virtualhost>") {
      if (vhost) found.push(vhost);
      vhost = undefined;
      continue;
    }
    if (key.startsWith("</")) {
      nested = Math.max(0, nested - 1);
      continue;
    }
    // <IfModule>/<IfDefine> are read through; <Directory>/<Location> settings are per-request renegotiation, not the handshake's.
    if (key.startsWith("<")) {
      if (!/^<if/.test(key)) nested++;
      continue;
    }
    if (key === "servername" && vhost && nested === 0) vhost.endpoint = `${d.args[0]} (${vhost.endpoint})`;
    if (nested > 0 || !(SETTINGS as readonly string[]).includes(key)) continue;
    const target = vhost ? vhost.settings : global;
    target.set(key, key === "sslopensslconfcmd" ? [...(target.get(key) ?? []), d] : [d]);
  }
  const effective = (f: Found) => {
    const m = new Map(global);
    for (const [k, v] of f.settings) m.set(k, v);
    return m;
  };
  const candidates: Found[] = [...found, { endpoint: `server config of ${file}`, settings: new Map() }].map(
    (f) => ({
      endpoint: f.endpoint,
      settings: effective(f),
    }),
  );
  const verifying = candidates.filter((f) => {
    const v = f.settings.get("sslverifyclient")?.[0]?.args[0]?.toLowerCase();
    return v === "require" || v === "optional" || v === "optional_no_ca";
  });
  const { chosen, notes } = pickEndpoint(verifying, endpoint, file);
  const s = chosen.settings;
  const from: string[] = [];
  const load = (k: string): readonly RootEntry[] => {
    const d = s.get(k)?.[0];
    if (!d) return [];
    from.push(`${at(d)} ${d.name} ${d.args[0]}`);
    return caFrom(resolvePath(serverRoot, d.args[0] ?? ""), `${at(d)} ${d.name}`);
  };
  const caCerts = [...load("sslcacertificatefile"), ...load("sslcacertificatepath")];
  const dnRequest = [...load("sslcadnrequestfile"), ...load("sslcadnrequestpath")];
  const cmds = s.get("sslopensslconfcmd") ?? [];
  const cmd = (name: string) => cmds.filter((d) => d.args[0]?.toLowerCase() === name.toLowerCase());
  const verifyCa: RootEntry[] = [];
  for (const d of cmd("VerifyCAFile")) {
    from.push(`${at(d)} SSLOpenSSLConfCmd VerifyCAFile ${d.args[1]}`);
    verifyCa.push(...caFrom(resolvePath(serverRoot, d.args[1] ?? ""), at(d)));
  }
  const noNames = cmd("Options").some((d) => /(^|[\s,])-CANames\b/i.test(d.args.slice(1).join(" ")));
  const hasDn = s.has("sslcadnrequestfile") || s.has("sslcadnrequestpath");
  const hasCa = s.has("sslcacertificatefile") || s.has("sslcacertificatepath");
  const advertise = hasDn ? dnRequest : caCerts;
  const verifyOnly = hasDn ? [...caCerts, ...verifyCa] : verifyCa;
  let caNames: CaNames = noNames ? "off-empty-extension" : "sent";
  if (!hasDn && !hasCa) caNames = "off-omitted";
  const p = s.get("sslprotocol")?.[0];
  return {
    source: file,
    server: "apache",
    endpoint: chosen.endpoint,
    advertise,
    verifyOnly,
    caNames,
    tls: p ? protocols(p.args) : ["1.2", "1.3"],
    from,
    notes,
  };
}
