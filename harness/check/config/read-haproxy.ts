import { dirname } from "node:path";
import { at, readConfigFile, resolvePath } from "../../config/config-file.ts";
import { HAPROXY_SECTIONS, haproxyCode, haproxyWords } from "../../config/haproxy-syntax.ts";
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
    const line = haproxyCode(raw).trim();
    if (!line) return;
    const words = haproxyWords(line);
    const key = words[0]!;
    if (HAPROXY_SECTIONS.test(key)) {
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
