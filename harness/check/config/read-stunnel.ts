import { dirname } from "node:path";
import { at, type ConfigLine, readConfigFile, resolvePath } from "../../config/config-file.ts";
import { expandInclude } from "../../config/include.ts";
import type { TlsVersion } from "../../model/tls.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaNames, CaSetup } from "../ca-setup.ts";
import { caFrom } from "./ca-from.ts";
import { pickEndpoint } from "./pick-endpoint.ts";

interface Option extends ConfigLine {
  key: string;
  value: string;
}

interface Service {
  endpoint: string;
  options: Option[];
}

function read(file: string, where: string, depth = 0): Option[] {
  const out: Option[] = [];
  readConfigFile(file, where)
    .split("\n")
    .forEach((raw, n) => {
      const text = raw.replace(/^\s*[#;].*$/, "").trim();
      if (!text) return;
      const m = /^\[(.+)\]$/.exec(text);
      const line = { file, line: n + 1, text };
      if (m) {
        out.push({ ...line, key: "[", value: m[1]!.trim() });
        return;
      }
      const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(text);
      if (!kv) return;
      const key = kv[1]!.toLowerCase();
      if (key === "include" && depth < 16) {
        for (const f of expandInclude(resolvePath(dirname(file), kv[2]!), at(line), { directories: true }))
          out.push(...read(f, at(line), depth + 1));
        return;
      }
      out.push({ ...line, key, value: kv[2]! });
    });
  return out;
}

/**
 * stunnel: a server service (not `client = yes`) with `verify`/`verifyChain`/`verifyPeer`/
 * `requireCert` asks for a certificate and advertises its `CAfile` (sorted);
 * `config = VerifyCAFile:…` is trusted only; `options = DISABLE_TLSEXT_CA_NAMES` turns the names off
 * (TLS 1.3 still sends an empty extension). Options before the first section are defaults.
 */
export function readStunnel(file: string, endpoint?: string): CaSetup {
  const all = read(file, file);
  const global: Option[] = [];
  const services: Service[] = [];
  for (const o of all) {
    if (o.key === "[") services.push({ endpoint: `[${o.value}] at ${at(o)}`, options: [] });
    else (services.at(-1)?.options ?? global).push(o);
  }
  const get = (s: Service, key: string) => [...global, ...s.options].filter((o) => o.key === key);
  const lastOf = (s: Service, key: string) => get(s, key).at(-1);
  const yes = (s: Service, key: string) => /^yes$/i.test(lastOf(s, key)?.value ?? "");
  const verifying = services.filter((s) => {
    if (yes(s, "client")) return false;
    const level = Number(lastOf(s, "verify")?.value ?? "0");
    return level >= 1 || yes(s, "verifychain") || yes(s, "verifypeer") || yes(s, "requirecert");
  });
  const { chosen, notes } = pickEndpoint(verifying, endpoint, file);
  const from: string[] = [];
  const base = dirname(file);
  const load = (o: Option | undefined, path: string | undefined): readonly RootEntry[] => {
    if (!o || path === undefined) return [];
    from.push(`${at(o)} ${o.text}`);
    return caFrom(resolvePath(base, path), at(o));
  };
  const caFile = lastOf(chosen, "cafile");
  const advertise = load(caFile, caFile?.value);
  const verifyOnly: RootEntry[] = [];
  for (const c of get(chosen, "config")) {
    const m = /^VerifyCAFile:(.+)$/i.exec(c.value);
    if (m) verifyOnly.push(...load(c, m[1]!.trim()));
  }
  let caNames: CaNames = get(chosen, "options").some((o) => /DISABLE_TLSEXT_CA_NAMES/i.test(o.value))
    ? "off-empty-extension"
    : "sent";
  if (!caFile) caNames = "off-omitted";
  const min = lastOf(chosen, "sslversionmin")?.value ?? lastOf(chosen, "sslversion")?.value;
  const max = lastOf(chosen, "sslversionmax")?.value ?? lastOf(chosen, "sslversion")?.value;
  const n = (v: string | undefined, d: number) => (v ? Number(/TLSv1\.(\d)/i.exec(v)?.[1] ?? d) : d);
  const tls = (["1.2", "1.3"] as const).filter((t) => {
    const k = Number(t.slice(2));
    return k >= n(min, 0) && k <= n(max, 3);
  }) as TlsVersion[];
  return {
    source: file,
    server: "stunnel",
    endpoint: chosen.endpoint,
    advertise,
    verifyOnly,
    caNames,
    tls,
    from,
    notes,
  };
}
