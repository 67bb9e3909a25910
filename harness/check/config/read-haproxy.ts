import { dirname } from "node:path";
import { at, readConfigFile, resolvePath } from "../../config/config-file.ts";
import type { TlsVersion } from "../../model/tls.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaNames, CaSetup } from "../ca-setup.ts";
import { caFrom } from "./ca-from.ts";
import { pickEndpoint } from "./pick-endpoint.ts";

interface Bind {
  endpoint: string;
  file: string;
  line: number;
  opts: string[];
}

/**
 * A config line's words as HAProxy reads them: whitespace separates, single quotes are literal,
 * double quotes allow backslash escapes (paths are often quoted: `ca-file '/etc/x y/ca.pem'`).
 */
function haproxyWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      inWord = true;
      const close = line.indexOf(c, i + 1);
      const end = close < 0 ? line.length : close;
      const body = line.slice(i + 1, end);
      cur += c === '"' ? body.replace(/\\(.)/g, "$1") : body;
      i = end;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** The value after `key` in a bind line's options. */
const opt = (opts: string[], key: string) => {
  const i = opts.lastIndexOf(key);
  return i >= 0 ? opts[i + 1] : undefined;
};

/** ssl-min-ver / ssl-max-ver / no-tlsv1x / force-tlsv1x → TLS 1.2/1.3 (HAProxy 2.6 default: both). */
function versions(opts: string[]): TlsVersion[] {
  const forced = opts.find((o) => /^force-tlsv1[23]$/.test(o));
  if (forced) return [forced === "force-tlsv12" ? "1.2" : "1.3"];
  const rank = (v: string | undefined, fallback: number) =>
    v ? Number(v.replace(/^TLSv1\.?/, "")) || 0 : fallback;
  const min = rank(opt(opts, "ssl-min-ver"), 2);
  const max = rank(opt(opts, "ssl-max-ver"), 3);
  return (["1.2", "1.3"] as const).filter((t) => {
    const n = Number(t.slice(2));
    return n >= min && n <= max && !opts.includes(`no-tlsv1${n}`);
  });
}

/**
 * HAProxy: on a `bind ... ssl` line with `verify optional|required`, `ca-file` is advertised
 * (sorted) unless `no-ca-names`; `ca-verify-file` is trusted only, and alone advertises nothing
 * (extension left out). `ca-base` in `global` prefixes relative paths; `ssl-default-bind-options`
 * are read before each bind line's own.
 */
export function readHaproxy(file: string, endpoint?: string): CaSetup {
  const text = readConfigFile(file, file);
  let section = "";
  let caBase = dirname(file);
  let defaults: string[] = [];
  const binds: Bind[] = [];
  text.split("\n").forEach((raw, n) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) return;
    const words = haproxyWords(line);
    const key = words[0]!;
    if (
      /^(global|defaults|frontend|listen|backend|userlist|peers|resolvers|program|http-errors|ring|cache)$/.test(
        key,
      )
    ) {
      section = `${key}${words[1] ? ` ${words[1]}` : ""}`;
      return;
    }
    if (section === "global" && key === "ca-base") caBase = resolvePath(dirname(file), words[1] ?? "");
    if (section === "global" && key === "ssl-default-bind-options") defaults = words.slice(1);
    if (key === "bind" && words.includes("ssl"))
      binds.push({
        endpoint: `${section} bind ${words[1]} at ${file}:${n + 1}`,
        file,
        line: n + 1,
        opts: words.slice(2),
      });
  });
  const verifying = binds
    .map((b) => ({ ...b, opts: [...defaults, ...b.opts] }))
    .filter((b) => ["optional", "required"].includes(opt(b.opts, "verify") ?? "none"));
  const { chosen, notes } = pickEndpoint(verifying, endpoint, file);
  const from: string[] = [];
  const load = (key: string): readonly RootEntry[] => {
    const v = opt(chosen.opts, key);
    if (v === undefined) return [];
    from.push(`${at(chosen)} ${key} ${v}`);
    return caFrom(resolvePath(caBase, v), `${at(chosen)} ${key}`);
  };
  const caFile = load("ca-file");
  const verifyFile = load("ca-verify-file");
  let caNames: CaNames = "sent";
  if (chosen.opts.includes("no-ca-names") || caFile.length === 0) caNames = "off-omitted";
  return {
    source: file,
    server: "haproxy",
    endpoint: chosen.endpoint,
    advertise: caFile,
    verifyOnly: verifyFile,
    caNames,
    tls: versions(chosen.opts),
    from,
    notes,
  };
}
