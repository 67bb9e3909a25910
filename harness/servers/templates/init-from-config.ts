import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expandInclude, isPattern } from "../../config/include.ts";
import { nginxIncludes, parseNginx } from "../../config/nginx-syntax.ts";
import { InputError } from "../../errors.ts";

/** A user's config turned into a template: files by path relative to the main one, and what was found. */
export interface InitTemplate {
  /** Relative path → rendered text; the main file first. */
  files: Record<string, string>;
  mainFile: string;
  /** The client CA bundle the config pointed at (absolute), when it named one that exists. */
  caBundle?: string;
  /** One line per substitution, "file:line: what", for the command's report. */
  changes: string[];
}

type Rewrite = (line: string) => string | undefined;

/** Replace the argument of `directive` (up to `;`) with `value`, keeping indentation and the rest. */
function arg(directive: string, value: string): Rewrite {
  const re = new RegExp(`^(\\s*${directive}\\s+)([^;]+)(;.*)$`);
  return (line) => (re.test(line) ? line.replace(re, `$1${value}$3`) : undefined);
}

function caBundleOf(line: string, directive: string, dir: string): string | undefined {
  const m = new RegExp(`^\\s*${directive}\\s+["']?([^;"'\\s]+)`).exec(line);
  if (!m) return undefined;
  const p = path.resolve(dir, m[1]!);
  return existsSync(p) ? p : undefined;
}

/**
 * nginx: every `listen … ssl` gets `${ROOTLOAD_LISTEN}`, the certificate, key and client CA
 * directives their placeholders. With `ssl_trusted_certificate` beside `ssl_client_certificate`
 * (advertise a subset) they become the advertised and verify files. Relative includes are
 * converted too, at the same relative paths.
 */
export function nginxToTemplate(configFile: string): InitTemplate {
  const dir = path.dirname(configFile);
  const out: InitTemplate = { files: {}, mainFile: path.basename(configFile), changes: [] };
  const queue = [path.basename(configFile)];
  const texts = new Map<string, string>();
  // Includes that leave the config's folder: read in place (absolute path), never written under -o.
  const outside = new Map<string, Map<number, { from: string; to: string }>>();
  while (queue.length) {
    const rel = queue.shift()!;
    if (texts.has(rel)) continue;
    const file = path.join(dir, rel);
    if (!existsSync(file)) throw new InputError(configFile, `included file ${rel} not found (${file})`);
    const text = readFileSync(file, "utf8");
    texts.set(rel, text);
    for (const inc of nginxIncludes(parseNginx(text).directives)) {
      const target = inc.args[0] ?? "";
      if (path.isAbsolute(target)) continue; // read where it is, not converted
      if (leavesFolder(dir, target)) {
        const lines = outside.get(rel) ?? new Map<number, { from: string; to: string }>();
        lines.set(inc.line, { from: target, to: path.resolve(dir, target) });
        outside.set(rel, lines);
        continue;
      }
      // A plain name must exist (checked as it is read); a pattern may match nothing, as in nginx.
      if (!isPattern(target)) queue.push(path.relative(dir, path.resolve(dir, target)));
      else
        for (const f of expandInclude(path.join(dir, target), `${file}:${inc.line}`, { optional: true }))
          queue.push(path.relative(dir, f));
    }
  }
  const all = [...texts.values()].join("\n");
  const split = /^\s*ssl_trusted_certificate\s/m.test(all);
  for (const [rel, text] of texts) {
    const rewrites: [RegExp, Rewrite, string][] = [
      [
        /^\s*listen\s[^;]*\bssl\b/,
        (l) => l.replace(/^(\s*listen\s+)(\S+)/, "$1${ROOTLOAD_LISTEN}"),
        "listener → ${ROOTLOAD_LISTEN}",
      ],
      [
        /^\s*ssl_certificate\s/,
        arg("ssl_certificate", "${ROOTLOAD_CERT}"),
        "server certificate → ${ROOTLOAD_CERT}",
      ],
      [
        /^\s*ssl_certificate_key\s/,
        arg("ssl_certificate_key", "${ROOTLOAD_KEY}"),
        "server key → ${ROOTLOAD_KEY}",
      ],
      [
        /^\s*ssl_client_certificate\s/,
        arg("ssl_client_certificate", split ? "${ROOTLOAD_CA_ADVERTISED_FILE}" : "${ROOTLOAD_CA_FILE}"),
        split ? "advertised CAs → ${ROOTLOAD_CA_ADVERTISED_FILE}" : "client CA bundle → ${ROOTLOAD_CA_FILE}",
      ],
      [
        /^\s*ssl_trusted_certificate\s/,
        arg("ssl_trusted_certificate", "${ROOTLOAD_CA_VERIFY_FILE}"),
        "verify-only CAs → ${ROOTLOAD_CA_VERIFY_FILE}",
      ],
    ];
    const moved = outside.get(rel);
    const lines = text.split("\n").map((line, i) => {
      const away = moved?.get(i + 1);
      if (away && line.includes(away.from)) {
        out.changes.push(
          `${path.join(dir, rel)}:${i + 1}: include ${away.from} leaves the config's folder → read in place at ${away.to} (not converted)`,
        );
        return line.replace(away.from, away.to);
      }
      const code = line.replace(/(^|\s)#.*$/, "");
      if (/^\s*ssl_client_certificate\s/.test(code))
        out.caBundle ??= caBundleOf(code, "ssl_client_certificate", dir);
      for (const [test, rewrite, what] of rewrites) {
        if (!test.test(code)) continue;
        const next = rewrite(line);
        if (next !== undefined && next !== line) {
          out.changes.push(`${path.join(dir, rel)}:${i + 1}: ${what}`);
          return next;
        }
      }
      return line;
    });
    out.files[rel] = lines.join("\n");
  }
  if (!out.changes.some((c) => c.includes("ROOTLOAD_LISTEN")))
    throw new InputError(configFile, "has no `listen … ssl` directive: nothing for rootload to test");
  if (!out.changes.some((c) => /ROOTLOAD_CA_(FILE|ADVERTISED_FILE)/.test(c)))
    throw new InputError(
      configFile,
      "has no ssl_client_certificate: it does not ask for client certificates (add ssl_verify_client and ssl_client_certificate first)",
    );
  return out;
}

/** Whether a relative include path points outside `dir` (`../x`, `a/../../x`). */
function leavesFolder(dir: string, rel: string): boolean {
  const back = path.relative(dir, path.resolve(dir, rel));
  return back.startsWith("..") || path.isAbsolute(back);
}

/**
 * HAProxy: each `bind … ssl` line gets `${ROOTLOAD_LISTEN}`, `crt ${ROOTLOAD_CERT}` and its
 * `ca-file` / `ca-verify-file` placeholders.
 */
export function haproxyToTemplate(configFile: string): InitTemplate {
  const dir = path.dirname(configFile);
  const text = readFileSync(configFile, "utf8");
  const out: InitTemplate = { files: {}, mainFile: path.basename(configFile), changes: [] };
  const lines = text.split("\n").map((line, i) => {
    if (!/^\s*bind\s+\S+.*\bssl\b/.test(line)) return line;
    const split = /\bca-verify-file\s/.test(line);
    const ca = /\bca-file\s+(\S+)/.exec(line)?.[1];
    if (ca && existsSync(path.resolve(dir, ca))) out.caBundle ??= path.resolve(dir, ca);
    const next = line
      .replace(/^(\s*bind\s+)(\S+)/, "$1${ROOTLOAD_LISTEN}")
      .replace(/\bcrt\s+\S+/, "crt ${ROOTLOAD_CERT}")
      .replace(
        /\bca-file\s+\S+/,
        split ? "ca-file ${ROOTLOAD_CA_ADVERTISED_FILE}" : "ca-file ${ROOTLOAD_CA_FILE}",
      )
      .replace(/\bca-verify-file\s+\S+/, "ca-verify-file ${ROOTLOAD_CA_VERIFY_FILE}");
    out.changes.push(`${configFile}:${i + 1}: bind → \${ROOTLOAD_LISTEN}, crt, ca-file placeholders`);
    return next;
  });
  if (out.changes.length === 0)
    throw new InputError(configFile, "has no `bind … ssl` line: nothing for rootload to test");
  if (!lines.some((l) => l.includes("${ROOTLOAD_CA_")))
    throw new InputError(
      configFile,
      "has no ca-file on its ssl binds: it does not ask for client certificates",
    );
  out.files[out.mainFile] = lines.join("\n");
  return out;
}
