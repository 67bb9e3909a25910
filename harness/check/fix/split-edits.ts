import path from "node:path";
import type { CaSetup } from "../ca-setup.ts";
import { type ConfigServer, type ConfigTree, inside } from "./config-tree.ts";

/** Where the reader found a directive (`CaSetup.from`: "file:line name value"). */
interface Ref {
  file: string;
  line: number;
  name: string;
}

function refs(setup: CaSetup): Ref[] {
  return setup.from.flatMap((f) => {
    const m = /^(.+):(\d+) (\S+?)(?:\s|=|$)/.exec(f);
    return m ? [{ file: path.resolve(m[1]!), line: Number(m[2]), name: m[3]! }] : [];
  });
}

/** The files the fix writes beside the config, by absolute path in the output folder. */
export interface FixFiles {
  /** The advertised CAs. */
  advertised: string;
  /** Every trusted CA (nginx's ssl_trusted_certificate, stunnel's VerifyCAFile). */
  store: string;
  /** The trusted CAs not advertised (HAProxy's ca-verify-file). */
  rest: string;
}

/** The edited texts and one line per change ("file:line: what"). */
export interface SplitEdit {
  texts: Map<string, string>;
  changes: string[];
  /** Which of the FixFiles the edited config names. */
  uses: (keyof FixFiles)[];
}

/** An edit that cannot be made (exit 1, with the reason). */
export class NoSplitEdit extends Error {}

type Lines = Map<string, string[]>;

function lineOf(tree: ConfigTree, lines: Lines, r: Ref): { rel: string; i: number; text: string } {
  if (!inside(tree.root, r.file) && r.file !== path.join(tree.root, tree.mainFile))
    throw new NoSplitEdit(
      `${r.file}:${r.line} (${r.name}) is outside ${tree.root}: the fixed copy would not include it; move it beside the config first`,
    );
  const rel = path.relative(tree.root, r.file);
  const ls = lines.get(rel);
  if (!ls || ls[r.line - 1] === undefined)
    throw new NoSplitEdit(`${r.file}:${r.line}: not in the copied config`);
  return { rel, i: r.line - 1, text: ls[r.line - 1]! };
}

const indentOf = (s: string) => /^\s*/.exec(s)![0];

/** Replace the first argument of `name` on a line (quoted or not) with `value`. */
function replaceArg(text: string, name: string, value: string, sep = "\\s+"): string {
  const re = new RegExp(
    `(${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${sep})("[^"]*"|'[^']*'|[^\\s;]+)`,
    "i",
  );
  if (!re.test(text)) throw new NoSplitEdit(`cannot find the argument of ${name} in: ${text.trim()}`);
  return text.replace(
    re,
    (_, pre: string, arg: string) => `${pre}${/^["']/.test(arg) ? `"${value}"` : value}`,
  );
}

/**
 * The split, per server (docs/domain.md, "Issuer-list policies per server"): keep verifying
 * against everything the config trusted, advertise only the planned list.
 */
const EDITS: Record<
  // lighttpd has no split: its ssl.ca-dn-file also limits what is trusted (run-fix.ts answers "cannot split").
  Exclude<ConfigServer, "lighttpd">,
  (
    tree: ConfigTree,
    lines: Lines,
    rs: Ref[],
    f: FixFiles,
    at: (r: { rel: string; i: number }) => string,
  ) => SplitEdit["changes"] & { uses?: (keyof FixFiles)[] }
> = {
  nginx: (tree, lines, rs, f, at) => {
    const client = rs.find((r) => r.name === "ssl_client_certificate");
    if (!client) throw new NoSplitEdit("no ssl_client_certificate: nothing is advertised to split");
    const c = lineOf(tree, lines, client);
    const out: string[] = [];
    lines.get(c.rel)![c.i] = replaceArg(c.text, "ssl_client_certificate", f.advertised);
    out.push(`${at(c)}: ssl_client_certificate → ${path.basename(f.advertised)} (advertised)`);
    const trusted = rs.find((r) => r.name === "ssl_trusted_certificate");
    if (trusted) {
      const t = lineOf(tree, lines, trusted);
      lines.get(t.rel)![t.i] = replaceArg(lines.get(t.rel)![t.i]!, "ssl_trusted_certificate", f.store);
      out.push(`${at(t)}: ssl_trusted_certificate → ${path.basename(f.store)} (every CA trusted before)`);
    } else {
      lines.get(c.rel)![c.i] += `\n${indentOf(c.text)}ssl_trusted_certificate ${f.store};`;
      out.push(`${at(c)}: + ssl_trusted_certificate ${path.basename(f.store)} (every CA trusted before)`);
    }
    return Object.assign(out, { uses: ["advertised", "store"] as (keyof FixFiles)[] });
  },
  apache: (tree, lines, rs, f, at) => {
    const dn = rs.find((r) => /^SSLCADNRequest(File|Path)$/i.test(r.name));
    const ca = rs.find((r) => /^SSLCACertificate(File|Path)$/i.test(r.name));
    if (dn) {
      const d = lineOf(tree, lines, dn);
      lines.get(d.rel)![d.i] = `${indentOf(d.text)}SSLCADNRequestFile ${f.advertised}`;
      return Object.assign([`${at(d)}: ${dn.name} → SSLCADNRequestFile ${path.basename(f.advertised)}`], {
        uses: ["advertised"] as (keyof FixFiles)[],
      });
    }
    if (!ca) throw new NoSplitEdit("no SSLCACertificateFile/Path: Apache sends no names to split");
    const c = lineOf(tree, lines, ca);
    lines.get(c.rel)![c.i] += `\n${indentOf(c.text)}SSLCADNRequestFile ${f.advertised}`;
    return Object.assign(
      [
        `${at(c)}: + SSLCADNRequestFile ${path.basename(f.advertised)} (advertised; ${ca.name} still trusted)`,
      ],
      { uses: ["advertised"] as (keyof FixFiles)[] },
    );
  },
  haproxy: (tree, lines, rs, f, at) => {
    const ca = rs.find((r) => r.name === "ca-file");
    if (!ca) throw new NoSplitEdit("no ca-file on the bind line: nothing is advertised to split");
    const b = lineOf(tree, lines, ca);
    let text = replaceArg(b.text, "ca-file", f.advertised);
    if (/\sca-verify-file\s/.test(text)) text = replaceArg(text, "ca-verify-file", f.rest);
    else text = text.replace(/(\sca-file\s+\S+)/, `$1 ca-verify-file ${f.rest}`);
    lines.get(b.rel)![b.i] = text;
    return Object.assign(
      [
        `${at(b)}: ca-file → ${path.basename(f.advertised)} (advertised), ca-verify-file ${path.basename(f.rest)} (the other trusted CAs, not advertised)`,
      ],
      { uses: ["advertised", "rest"] as (keyof FixFiles)[] },
    );
  },
  stunnel: (tree, lines, rs, f, at) => {
    const ca = rs.find((r) => /^CAfile$/i.test(r.name));
    if (!ca) throw new NoSplitEdit("no CAfile: nothing is advertised to split");
    const c = lineOf(tree, lines, ca);
    const out: string[] = [];
    lines.get(c.rel)![c.i] = `${indentOf(c.text)}CAfile = ${f.advertised}`;
    out.push(`${at(c)}: CAfile → ${path.basename(f.advertised)} (advertised)`);
    const v = rs.find((r) => /^config$/i.test(r.name));
    if (v) {
      const l = lineOf(tree, lines, v);
      lines.get(l.rel)![l.i] = `${indentOf(l.text)}config = VerifyCAFile:${f.store}`;
      out.push(`${at(l)}: VerifyCAFile → ${path.basename(f.store)} (every CA trusted before)`);
    } else {
      lines.get(c.rel)![c.i] += `\n${indentOf(c.text)}config = VerifyCAFile:${f.store}`;
      out.push(`${at(c)}: + config = VerifyCAFile:${path.basename(f.store)} (every CA trusted before)`);
    }
    return Object.assign(out, { uses: ["advertised", "store"] as (keyof FixFiles)[] });
  },
};

/** Edit the (path-rewritten) texts of `tree` so the server advertises `files.advertised` and trusts what it trusted. */
export function splitEdit(
  tree: ConfigTree,
  texts: Map<string, string>,
  setup: CaSetup,
  files: FixFiles,
): SplitEdit {
  const lines: Lines = new Map([...texts].map(([rel, t]) => [rel, t.split("\n")]));
  const at = (r: { rel: string; i: number }) => `${path.join(tree.root, r.rel)}:${r.i + 1}`;
  if (tree.server === "lighttpd") throw new NoSplitEdit("ssl.ca-dn-file also limits what lighttpd trusts");
  const changes = EDITS[tree.server](tree, lines, refs(setup), files, at);
  return {
    texts: new Map([...lines].map(([rel, ls]) => [rel, ls.join("\n")])),
    changes: [...changes],
    uses: changes.uses ?? ["advertised"],
  };
}
