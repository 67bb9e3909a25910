import { dirname } from "node:path";
import { at, ConfigFiles, type ConfigLine, resolvePath } from "../../config/config-file.ts";
import { expandInclude } from "../../config/include.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaNames, CaSetup } from "../ca-setup.ts";
import { caFrom } from "./ca-from.ts";
import { pickEndpoint } from "./pick-endpoint.ts";

interface Assignment extends ConfigLine {
  key: string;
  value: string;
  /** The enclosing conditionals, e.g. `$SERVER["socket"] == ":443"`. */
  scope: string;
}

/** A value: "strings" joined with `+`, and `var.x` / `env.X` references. */
function evaluate(expr: string, vars: Map<string, string>): string {
  return expr
    .split(/\s*\+\s*/)
    .map((part) => {
      const s = /^"((?:[^"\\]|\\.)*)"$/.exec(part.trim());
      if (s) return s[1]!;
      const v = vars.get(part.trim());
      return v ?? part.trim();
    })
    .join("");
}

function read(
  files: ConfigFiles,
  file: string,
  where: string,
  vars: Map<string, string>,
  scopes: string[],
  depth = 0,
): Assignment[] {
  const out: Assignment[] = [];
  files
    .read(file, where, depth)
    .split("\n")
    .forEach((raw, n) => {
      const text = raw.replace(/(^|\s)#.*$/, "").trim();
      const line = { file, line: n + 1, text };
      if (!text) return;
      if (text === "}" || text.startsWith("}")) {
        scopes.pop();
        return;
      }
      const cond = /^(\$\w+\[[^\]]*\]\s*\S+\s*"[^"]*")\s*\{$/.exec(text);
      if (cond) {
        scopes.push(cond[1]!);
        return;
      }
      if (/^else\b.*\{$/.test(text) || /^\{$/.test(text)) {
        scopes.push(text);
        return;
      }
      const inc = /^include\s+(.+)$/.exec(text);
      if (inc) {
        const path = resolvePath(dirname(file), evaluate(inc[1]!, vars));
        for (const f of expandInclude(path, at(line), { directories: true }))
          for (const a of read(files, f, at(line), vars, scopes, depth + 1)) out.push(a);
        return;
      }
      const kv = /^([\w.-]+)\s*(\+?=|:=)\s*(.+)$/.exec(text);
      if (!kv) return;
      const [, key, , expr] = kv;
      const value = evaluate(expr!, vars);
      if (key!.startsWith("var.")) vars.set(key!, value);
      out.push({ ...line, key: key!, value, scope: scopes.join(" ") });
    });
  return out;
}

/**
 * lighttpd (mod_openssl): where `ssl.verifyclient.activate` is enabled, `ssl.ca-dn-file` is the
 * advertised list when set, else `ssl.ca-file` (which is always what is trusted);
 * `ssl.openssl.ssl-conf-cmd` with `"Options" => "-CANames"` turns the names off. Settings inside a
 * `$SERVER["socket"]` block override the global ones for that socket.
 */
export function readLighttpd(file: string, endpoint?: string): CaSetup {
  const all = read(new ConfigFiles(), file, file, new Map([["var.CWD", dirname(file)]]), []);
  const scopes = [...new Set(all.map((a) => a.scope))];
  const settingsOf = (scope: string) => {
    const m = new Map<string, Assignment>();
    for (const a of all) if (a.scope === "" || a.scope === scope) m.set(a.key, a);
    return m;
  };
  const candidates = scopes.map((scope) => ({
    endpoint: scope ? `${scope} in ${file}` : `global settings of ${file}`,
    settings: settingsOf(scope),
  }));
  const verifying = candidates.filter((c) =>
    /^"?(enable|1|true)"?$/i.test(c.settings.get("ssl.verifyclient.activate")?.value ?? ""),
  );
  const { chosen, notes } = pickEndpoint(verifying, endpoint, file);
  const s = chosen.settings;
  const from: string[] = [];
  const load = (key: string): readonly RootEntry[] => {
    const a = s.get(key);
    if (!a) return [];
    from.push(`${at(a)} ${key} = "${a.value}"`);
    return caFrom(resolvePath(dirname(file), a.value), `${at(a)} ${key}`);
  };
  const caFile = load("ssl.ca-file");
  const dnFile = load("ssl.ca-dn-file");
  const hasDn = s.has("ssl.ca-dn-file");
  const conf = s.get("ssl.openssl.ssl-conf-cmd")?.value ?? "";
  let caNames: CaNames = /"Options"\s*=>\s*"[^"]*-CANames/i.test(conf) ? "off-empty-extension" : "sent";
  if (!hasDn && !s.has("ssl.ca-file")) caNames = "off-omitted";
  // lighttpd's verify callback (every TLS module) also refuses a client certificate whose issuer is
  // not in ssl.ca-dn-file: a CA in ssl.ca-file alone is not accepted for client certificates.
  if (hasDn && caFile.length)
    notes.push(
      "lighttpd accepts only client certificates whose issuer is in ssl.ca-dn-file (mod_openssl verify_callback, depth 0): the CAs in ssl.ca-file alone are not accepted",
    );
  return {
    source: file,
    server: "lighttpd",
    endpoint: chosen.endpoint,
    advertise: hasDn ? dnFile : caFile,
    verifyOnly: hasDn ? caFile : [],
    caNames,
    tls: ["1.2", "1.3"],
    from,
    notes,
  };
}
