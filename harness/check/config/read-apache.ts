import { dirname } from "node:path";
import { at, ConfigFiles, type ConfigLine, resolvePath } from "../../config/config-file.ts";
import { expandInclude } from "../../config/include.ts";
import type { TlsVersion } from "../../model/tls.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaNames, CaSetup } from "../ca-setup.ts";
import { caFrom } from "./ca-from.ts";
import { pickEndpoint } from "./pick-endpoint.ts";

interface Directive extends ConfigLine {
  name: string;
  args: string[];
}

/** Space, tab, CR, LF, VT, FF: what Apache's apr_isspace takes as a word break. */
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * Split a directive line into words, honouring double quotes (ap_getword_conf: a quote left open
 * takes the rest of the line). One pass: a line of 300,000 joined continuations costs its length.
 */
function words(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    if (i >= s.length) break;
    if (s[i] === '"') {
      const parts: string[] = [];
      let from = ++i;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && i + 1 < s.length) {
          parts.push(s.slice(from, i));
          from = ++i;
        }
        i++;
      }
      parts.push(s.slice(from, i));
      out.push(parts.join(""));
      i++;
    } else {
      const from = i;
      while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
      out.push(s.slice(from, i));
    }
  }
  return out;
}

/** Lines of a file with its includes spliced in, continuation lines joined, comments dropped. */
function lines(
  files: ConfigFiles,
  path: string,
  root: { dir: string },
  where: string,
  depth = 0,
): Directive[] {
  const all = files.read(path, where, depth);
  const out: Directive[] = [];
  // Logical lines found in the text itself (a line ending in `\` continues): one slice and one
  // replace per directive, linear however many continuations (300,000: a few hundred ms).
  let pos = 0;
  let lineNo = 1;
  while (pos < all.length) {
    const start = lineNo;
    let end = all.indexOf("\n", pos);
    while (end > pos && all.charCodeAt(end - 1) === 92) {
      lineNo++;
      end = all.indexOf("\n", end + 1);
    }
    if (end < 0) end = all.length;
    const text = all.slice(pos, end).replace(/\\\n/g, "").trim();
    lineNo++;
    pos = end + 1;
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
        for (const x of lines(files, f, root, at(d), depth + 1)) out.push(x);
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
  const all = lines(new ConfigFiles(), file, root, file);
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
