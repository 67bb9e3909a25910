import { readFileSync } from "node:fs";
import path from "node:path";
import { expandInclude, isPattern } from "../../config/include.ts";
import { InputError } from "../../errors.ts";

/** The configuration languages `check` reads, as far as copying a config tree needs them. */
export type ConfigServer = "nginx" | "apache" | "haproxy" | "stunnel" | "lighttpd";

/**
 * Per server: the directives whose argument is a path, as a RegExp whose groups are
 * (1) everything before the path, (2) the directive name, (3) the path, possibly quoted.
 * Includes are marked by `include` so the tree can follow them.
 */
const PATH_DIRECTIVES: Record<ConfigServer, { re: RegExp; include: RegExp }> = {
  nginx: {
    re: /((?:^|[;{}])\s*)(include|ssl_certificate|ssl_certificate_key|ssl_client_certificate|ssl_trusted_certificate|ssl_crl|ssl_dhparam|ssl_password_file|ssl_stapling_file|ssl_session_ticket_key)(\s+)("[^"]*"|'[^']*'|[^\s;'"]+)/g,
    include: /^include$/,
  },
  apache: {
    re: /(^\s*)(Include|IncludeOptional|SSLCertificateFile|SSLCertificateKeyFile|SSLCertificateChainFile|SSLCACertificateFile|SSLCACertificatePath|SSLCADNRequestFile|SSLCADNRequestPath|SSLCARevocationFile|SSLCARevocationPath|SSLOpenSSLConfCmd\s+VerifyCAFile)(\s+)("[^"]*"|\S+)/gi,
    include: /^include(optional)?$/i,
  },
  haproxy: {
    re: /(\s)(crt|ca-file|ca-verify-file|crl-file|crt-list)(\s+)("[^"]*"|'[^']*'|\S+)/g,
    include: /^$/,
  },
  stunnel: {
    re: /(^\s*)(include|cert|key|CAfile|CApath|CRLfile|CRLpath|config\s*=\s*VerifyCAFile:)(\s*=?\s*)("[^"]*"|\S+)/gi,
    include: /^include$/i,
  },
  lighttpd: {
    re: /(^\s*)(include|ssl\.pemfile|ssl\.privkey|ssl\.ca-file|ssl\.ca-dn-file|ssl\.ca-crl-file)(\s*=?\s*)("[^"]*")/g,
    include: /^include$/,
  },
};

const unquote = (s: string) => (/^(["']).*\1$/.test(s) ? s.slice(1, -1) : s);

/** A config and the files it includes from its own folder, as they would be copied. */
export interface ConfigTree {
  server: ConfigServer;
  /** The main file's folder: included files inside it are copied under the same relative names. */
  root: string;
  mainFile: string;
  /** Relative name (to `root`) → text, the main file first. */
  files: Map<string, string>;
}

/** Whether `p` lies inside `dir`. */
export const inside = (dir: string, p: string) => {
  const r = path.relative(dir, p);
  return r !== "" && !r.startsWith("..") && !path.isAbsolute(r);
};

/**
 * The main file and every file it includes (recursively) that lives in its folder. Files included
 * from elsewhere (`/usr/share/…`) are read where they are by the fixed config too, so they are not
 * copied. Relative include paths resolve from the main file's folder (nginx's conf prefix, the
 * folder `check` reads an Apache ServerRoot-less config from).
 */
export function readTree(server: ConfigServer, mainFile: string): ConfigTree {
  const root = path.dirname(path.resolve(mainFile));
  const files = new Map<string, string>();
  const queue = [path.resolve(mainFile)];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const rel = path.relative(root, file);
    if (files.has(rel)) continue;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new InputError(mainFile, `cannot read ${file}`);
    }
    files.set(rel, text);
    const serverRoot = server === "apache" ? /^\s*ServerRoot\s+"?([^"\s]+)"?/im.exec(text) : null;
    if (files.size > 512) throw new InputError(mainFile, "includes more than 512 files");
    const { re, include } = PATH_DIRECTIVES[server];
    for (const m of text.matchAll(
      new RegExp(re.source, re.flags.includes("m") ? re.flags : `${re.flags}m`),
    )) {
      if (!include.test(m[2]!.trim())) continue;
      const from =
        server === "stunnel" || server === "lighttpd"
          ? path.dirname(file)
          : serverRoot
            ? path.resolve(root, serverRoot[1]!)
            : root;
      const target = path.resolve(from, unquote(m[4]!));
      for (const f of expandInclude(target, `${file}`, { optional: true, directories: true }))
        if (inside(root, f)) queue.push(f);
    }
  }
  return { server, root, mainFile: path.relative(root, path.resolve(mainFile)), files };
}

/**
 * The tree's text with every path made to work from `outDir`: an include of a copied file points
 * at its copy (absolute), every other relative path becomes the absolute original, so the server
 * can be started on outDir/<main file> as it is. With `includes: "relative"`, includes of copied
 * files are made relative to the tree's folder instead (a template's includes are rendered beside it).
 */
export function rewritePaths(
  tree: ConfigTree,
  outDir: string,
  includes: "copies" | "relative" = "copies",
): Map<string, string> {
  const out = new Map<string, string>();
  const { re, include } = PATH_DIRECTIVES[tree.server];
  for (const [rel, text] of tree.files) {
    let base =
      tree.server === "stunnel" || tree.server === "lighttpd"
        ? path.dirname(path.join(tree.root, rel))
        : tree.root;
    const lines = text.split("\n").map((line) => {
      if (/^\s*[#;]/.test(line)) return line;
      // Apache: relative paths after a ServerRoot resolve from it.
      const sr = tree.server === "apache" ? /^\s*ServerRoot\s+"?([^"\s]+)"?/i.exec(line) : null;
      if (sr) base = path.resolve(base, sr[1]!);
      return line.replace(
        new RegExp(re.source, re.flags),
        (all, pre: string, name: string, sep: string, arg: string) => {
          const raw = unquote(arg);
          if (raw.includes("${") || raw.startsWith("$")) return all;
          const abs = path.resolve(base, raw);
          let next = abs;
          if (
            include.test(name.trim()) &&
            (inside(tree.root, abs) || (isPattern(abs) && inside(tree.root, path.dirname(abs))))
          )
            next =
              includes === "copies"
                ? path.join(outDir, path.relative(tree.root, abs))
                : path.relative(tree.root, abs);
          else if (path.isAbsolute(raw)) return all;
          const q = /^["']/.test(arg) ? arg[0]! : /\s/.test(next) ? '"' : "";
          return `${pre}${name}${sep}${q}${next}${q}`;
        },
      );
    });
    out.set(rel, lines.join("\n"));
  }
  return out;
}
