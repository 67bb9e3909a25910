import { dirname } from "node:path";
import { at, readConfigFile, resolvePath } from "../../config/config-file.ts";
import { expandInclude, isPattern } from "../../config/include.ts";
import { type NginxDirective, parseNginx } from "../../config/nginx-syntax.ts";
import { InputError } from "../../errors.ts";
import type { TlsVersion } from "../../model/tls.ts";
import type { RootEntry } from "../../roots/root-store.ts";
import type { CaNames, CaSetup } from "../ca-setup.ts";
import { caFrom } from "./ca-from.ts";
import { pickEndpoint } from "./pick-endpoint.ts";

interface Directive extends Omit<NginxDirective, "block"> {
  file: string;
  block?: Directive[];
}

/** A file's directives with the file named on each and its includes spliced in where they stand. */
function parse(path: string, prefix: string, where: string, depth = 0): Directive[] {
  if (depth > 16) throw new InputError(where, "includes nest deeper than 16 levels");
  const { directives, error } = parseNginx(readConfigFile(path, where));
  if (error) throw new InputError(`${path}:${error.line}`, error.message);
  const splice = (ds: readonly NginxDirective[]): Directive[] =>
    ds.flatMap((d): Directive[] => {
      if (d.name !== "include")
        return [
          {
            name: d.name,
            args: d.args,
            file: path,
            line: d.line,
            ...(d.block ? { block: splice(d.block) } : {}),
          },
        ];
      // nginx accepts a pattern that matches nothing; a plain file name must exist.
      const pattern = resolvePath(prefix, d.args[0] ?? "");
      const here = `${path}:${d.line}`;
      return expandInclude(pattern, here, { optional: isPattern(pattern) }).flatMap((f) =>
        parse(f, prefix, here, depth + 1),
      );
    });
  return splice(directives);
}

/** The settings nginx inherits from `http`/`stream` into `server`, the last one winning. */
const INHERITED = [
  "ssl_verify_client",
  "ssl_client_certificate",
  "ssl_trusted_certificate",
  "ssl_protocols",
  "ssl_conf_command",
] as const;

interface Found {
  endpoint: string;
  settings: Map<string, Directive[]>;
}

function collect(ds: Directive[], inherited: Map<string, Directive[]>, out: Found[]): void {
  const here = new Map(inherited);
  const own = new Map<string, Directive[]>();
  for (const d of ds)
    if ((INHERITED as readonly string[]).includes(d.name)) own.set(d.name, [...(own.get(d.name) ?? []), d]);
  // nginx: a directive set at this level replaces the inherited ones entirely.
  for (const [k, v] of own) here.set(k, v);
  for (const d of ds) {
    if (!d.block) continue;
    if (d.name === "server") {
      const settings = new Map(here);
      const inner = new Map<string, Directive[]>();
      for (const x of d.block)
        if ((INHERITED as readonly string[]).includes(x.name))
          inner.set(x.name, [...(inner.get(x.name) ?? []), x]);
      for (const [k, v] of inner) settings.set(k, v);
      const names = d.block.find((x) => x.name === "server_name")?.args.join(" ");
      const listen = d.block.find((x) => x.name === "listen")?.args[0];
      out.push({
        endpoint: `server ${names ?? "_"}${listen ? ` (listen ${listen})` : ""} at ${at(d)}`,
        settings,
      });
    } else if (d.name === "http" || d.name === "stream") collect(d.block, here, out);
  }
}

const last = (f: Found, k: string) => f.settings.get(k)?.at(-1);

/**
 * nginx: `ssl_client_certificate` is loaded as the advertised list (SSL_load_client_CA_file),
 * `ssl_trusted_certificate` is trusted but not advertised, and `ssl_conf_command Options -CANames`
 * turns the names off (TLS 1.3 then still sends an empty extension). Includes are followed,
 * relative paths resolved from the main file's directory (nginx's conf prefix).
 */
export function readNginx(file: string, endpoint?: string): CaSetup {
  const prefix = dirname(file);
  const top = parse(file, prefix, file);
  const found: Found[] = [];
  collect(top, new Map(), found);
  const verifying = found.filter((f) => {
    const v = last(f, "ssl_verify_client")?.args[0];
    return v !== undefined && v !== "off";
  });
  const { chosen, notes } = pickEndpoint(verifying, endpoint, file);
  const from: string[] = [];
  const load = (d: Directive | undefined): readonly RootEntry[] => {
    if (!d) return [];
    const path = resolvePath(prefix, d.args[0] ?? "");
    from.push(`${at(d)} ${d.name} ${d.args[0]}`);
    return caFrom(path, `${at(d)} ${d.name}`);
  };
  const clientCa = last(chosen, "ssl_client_certificate");
  const advertise = load(clientCa);
  const verifyOnly = load(last(chosen, "ssl_trusted_certificate"));
  const noNames = (chosen.settings.get("ssl_conf_command") ?? []).some(
    (d) => /^options$/i.test(d.args[0] ?? "") && /(^|[\s,])-CANames\b/i.test(d.args.slice(1).join(" ")),
  );
  let caNames: CaNames = noNames ? "off-empty-extension" : "sent";
  if (!clientCa) {
    caNames = "off-omitted";
    notes.push("no ssl_client_certificate: nginx < 1.27.2 refuses ssl_verify_client without it");
  }
  const protocols = last(chosen, "ssl_protocols")?.args;
  const tls: TlsVersion[] = protocols
    ? (["1.2", "1.3"] as const).filter((t) => protocols.includes(`TLSv${t}`))
    : ["1.2"];
  if (!protocols) notes.push("no ssl_protocols: nginx 1.22 (Debian 12) then enables TLS 1.2, not 1.3");
  return {
    source: file,
    server: "nginx",
    endpoint: chosen.endpoint,
    advertise,
    verifyOnly,
    caNames,
    tls,
    from,
    notes,
  };
}
