import { readFileSync } from "node:fs";
import path from "node:path";
import { expandInclude, isPattern } from "../../config/include.ts";
import { InputError } from "../../errors.ts";

/**
 * A user's own server config as a template: placeholders in the style of the official nginx
 * image's envsubst templates, filled in per step. Only `${ROOTLOAD_*}` names are touched; the
 * server's own `$variables` pass through.
 */
export const PLACEHOLDERS = {
  /** address:port of every TLS listener (rootload gives the server one address, 127.0.0.1:port). */
  ROOTLOAD_LISTEN: "address:port to listen on",
  ROOTLOAD_PORT: "port to listen on",
  /** The server certificate (HAProxy: certificate and key in one PEM, as its `crt` wants). */
  ROOTLOAD_CERT: "server certificate",
  ROOTLOAD_KEY: "server key",
  /** The whole root store of the step (what a server that advertises its trust store loads). */
  ROOTLOAD_CA_FILE: "CA bundle of this step",
  /** What the scenario's policy advertises (the whole store when the server has no policy). */
  ROOTLOAD_CA_ADVERTISED_FILE: "CA names to advertise",
  /** What client certificates are verified against: the whole store. */
  ROOTLOAD_CA_VERIFY_FILE: "CA bundle to verify against",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

const PLACEHOLDER = /\$\{(ROOTLOAD_[A-Za-z0-9_]*)\}/g;

/** What a product's config language needs from rootload. */
export interface TemplateRules {
  driver: string;
  /** File name the main template is rendered to, inside the server directory. */
  mainFile: string;
  /** Each group lists placeholders of which at least one must occur somewhere in the template. */
  required: readonly (readonly Placeholder[])[];
  /**
   * A line that opens a listener. One with ${ROOTLOAD_LISTEN} or ${ROOTLOAD_PORT} is the one
   * rootload tests; any other (a plain-HTTP health server, another port) is moved by `relisten`
   * to a free port on 127.0.0.1, in place, so it never binds what the user's deployment binds.
   */
  listener: RegExp;
  /** The line with its listen address(es) replaced by `address` (host:port). */
  relisten(line: string, address: string): string;
  /**
   * Which listeners share a port (Apache: `Listen 80` and `<VirtualHost *:80>` must stay one
   * address); default: each line its own.
   */
  listenKey?(line: string): string;
  /**
   * Paths rootload must own wherever they appear (logs, temp folders, caches): the line with its
   * path moved into the server's state folder (`state(name)`), or undefined to keep it.
   */
  redirects?: readonly {
    directive: RegExp;
    why: string;
    rewrite(line: string, state: (name: string) => string): string | undefined;
  }[];
  /**
   * Directives rootload overrides, per line of the template: the line is commented out (keeping
   * line numbers, so the server's messages map back to the template) and rootload sets its own
   * value on the command line. `scope` tells where the directive counts.
   */
  overrides: readonly { directive: RegExp; why: string }[];
  /** Whether an override applies on this line, given the lines before it. */
  inOverrideScope(state: ScopeState, line: string): boolean;
  /** A comment to the end of the line (default `#`): placeholders and directives there do not count. */
  comment?: RegExp;
  /** The server reads several top-level files (HAProxy: `-f a -f b`, no include directive). */
  severalFiles?: boolean;
  /** The include directives of a file (path as written, 1-based line), if the language has includes. */
  includes?(text: string): { line: number; path: string }[];
  /** A config error in the server's output: the rendered file, line and message. */
  configError(output: string): { file: string; line: number; message: string } | undefined;
}

/** Running state while a template is scanned line by line (brace depth or current section). */
export interface ScopeState {
  depth: number;
  section: string;
  /** The last `[name]` section header seen (stunnel's services), "" before the first. */
  bracket: string;
}

/** A rendered template: files by path relative to the server directory, and where each came from. */
export interface RenderedTemplate {
  files: Record<string, string>;
  /** Rendered relative path → template path, to point the server's messages back at the user's file. */
  sources: Record<string, string>;
  /** Placeholders seen, over all files. */
  used: Set<string>;
  /** The top-level files in the order given (the main file, then any further `-f` files). */
  mains: string[];
  /** Listeners moved to a port of rootload's (`own.ports`, in order of first use): how many ports they need. */
  extraListeners: number;
}

/** What rootload gives a rendering besides the placeholders: ports for other listeners, its state folder. */
export interface OwnedValues {
  /** Free ports on 127.0.0.1 for the listeners without the listen placeholder, in order. */
  ports: readonly number[];
  /** A path in the server's writable state folder. */
  state(name: string): string;
}

/** For a rendering that only checks (init, counting listeners): no ports, a stand-in state folder. */
export const CHECK_ONLY: OwnedValues = { ports: [], state: (n) => `/rootload-state/${n}` };

/** Where the i-th top-level file of several is rendered: haproxy.cfg, haproxy-2.cfg, haproxy-3.cfg… */
function mainName(rules: TemplateRules, i: number): string {
  if (i === 0) return rules.mainFile;
  const ext = path.extname(rules.mainFile);
  return `${rules.mainFile.slice(0, rules.mainFile.length - ext.length)}-${i + 1}${ext}`;
}

function commentOut(line: string, why: string): string {
  return `# rootload overrides: ${line.trim()} (${why})`;
}

/**
 * Render `template` (or several top-level files, in order, for a server that reads several) with
 * `values`: unknown `${ROOTLOAD_*}` names, listeners without the listen placeholder and missing
 * required placeholders are InputErrors naming file and line. Relative includes are rendered too,
 * at the same relative paths, so the server finds them beside the main file. A required
 * placeholder counts wherever it occurs among the files.
 */
export function renderTemplate(
  template: string | readonly string[],
  rules: TemplateRules,
  values: Record<Placeholder, string>,
  own: OwnedValues = CHECK_ONLY,
): RenderedTemplate {
  const templates = [template].flat();
  if (templates.length > 1 && !rules.severalFiles)
    throw new InputError(templates[1]!, `${rules.driver} takes one config file (use its include)`);
  const root = path.dirname(templates[0]!);
  const out: RenderedTemplate = { files: {}, sources: {}, used: new Set(), mains: [], extraListeners: 0 };
  const listenPorts = new Map<string, number>();
  let lineCount = 0;
  /** The port of rootload's for a listener line without the placeholder. */
  const portFor = (line: string): number => {
    const key = rules.listenKey?.(line) ?? `line ${lineCount}`;
    if (!listenPorts.has(key)) listenPorts.set(key, own.ports[listenPorts.size] ?? 0);
    out.extraListeners = listenPorts.size;
    return listenPorts.get(key)!;
  };
  const queue: { rel: string; src: string; main: boolean }[] = templates.map((src, i) => ({
    rel: mainName(rules, i),
    src,
    main: true,
  }));
  out.mains = queue.map((q) => q.rel);
  while (queue.length > 0) {
    const { rel, src, main } = queue.shift()!;
    if (out.sources[rel]) continue;
    let text: string;
    try {
      text = readFileSync(src, "utf8");
    } catch (err) {
      throw new InputError(
        src,
        `cannot read config template (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    const state: ScopeState = { depth: 0, section: "", bracket: "" };
    const includes = rules.includes?.(text) ?? [];
    const lines = text.split("\n").map((line, i) => {
      const at = `${src}:${i + 1}`;
      lineCount++;
      const code = line.replace(rules.comment ?? /(^|\s)#.*$/, "");
      for (const m of code.matchAll(PLACEHOLDER)) {
        if (!(m[1]! in PLACEHOLDERS))
          throw new InputError(
            at,
            `unknown placeholder \${${m[1]}} (known: ${Object.keys(PLACEHOLDERS)
              .map((p) => `\${${p}}`)
              .join(", ")})`,
          );
        out.used.add(m[1]!);
      }
      let rendered = line;
      if (rules.listener.test(code) && !/\$\{ROOTLOAD_(LISTEN|PORT)\}/.test(code))
        rendered = rules.relisten(line, `127.0.0.1:${portFor(code)}`);
      for (const { path: inc } of includes.filter((x) => x.line === i + 1)) {
        if (path.isAbsolute(inc)) continue; // the server reads it where it is; nothing to render
        const files = expandInclude(path.join(root, inc), at, { optional: true });
        if (files.length === 0 && !isPattern(inc))
          throw new InputError(
            at,
            `included file ${inc} not found beside the template (${path.join(root, inc)})`,
          );
        for (const f of files) queue.push({ rel: path.relative(root, f), src: f, main: false });
      }
      const override = rules.overrides.find((o) => o.directive.test(code));
      if (override && rules.inOverrideScope(state, code)) rendered = commentOut(line, override.why);
      else
        for (const r of rules.redirects ?? [])
          if (r.directive.test(code)) rendered = r.rewrite(rendered, own.state) ?? rendered;
      advanceScope(state, code);
      return rendered.replace(PLACEHOLDER, (_, name: Placeholder) => values[name]);
    });
    if (!main && out.mains.includes(rel))
      throw new InputError(src, `an included file cannot be named ${rel}`);
    out.files[rel] = lines.join("\n");
    out.sources[rel] = src;
  }
  for (const group of rules.required)
    if (!group.some((p) => out.used.has(p)))
      throw new InputError(
        templates.join(", "),
        `missing required placeholder ${group.map((p) => `\${${p}}`).join(" or ")} (${PLACEHOLDERS[group[0]!]})`,
      );
  return out;
}

/** Brace depth (nginx, Apache-style blocks) and the current section (HAProxy's unindented keywords). */
function advanceScope(state: ScopeState, code: string): void {
  for (const ch of code) {
    if (ch === "{") state.depth++;
    else if (ch === "}") state.depth = Math.max(0, state.depth - 1);
  }
  const section = /^([a-z][a-z-]*)\b/.exec(code);
  if (section && !/^\s/.test(code)) state.section = section[1]!;
  const bracket = /^\s*\[([^\]]+)\]/.exec(code);
  if (bracket) state.bracket = bracket[1]!;
}

/**
 * The server's complaint about a rendered file as an InputError against the template: the file
 * and line the user wrote, and the server's own message. undefined when the output holds no
 * config error (the failure is something else: an engine, a missing binary).
 */
export function templateError(
  driver: string,
  output: string,
  rules: TemplateRules,
  sources: Record<string, string>,
): InputError | undefined {
  const e = rules.configError(output);
  if (!e) return pathError(driver, output, sources) ?? lineless(driver, output, rules, sources);
  const rel = Object.keys(sources).find((r) => e.file.endsWith(`/${r}`));
  return rel
    ? new InputError(`${sources[rel]}:${e.line}`, `${driver} rejects the config: ${e.message}`)
    : new InputError(e.file, `${driver} rejects the config at line ${e.line}: ${e.message}`);
}

/**
 * A complaint without a file and line that names a path (nginx: `open() "/var/log/x.log" failed
 * (13: Permission denied)`, `cannot load certificate "/etc/ssl/a.pem"`): the template line that
 * names that path, with the server's message. undefined when no template line names it.
 */
function pathError(driver: string, output: string, sources: Record<string, string>): InputError | undefined {
  for (const said of output.split("\n")) {
    if (!/emerg|alert|error|\[!\]/i.test(said)) continue;
    for (const m of said.matchAll(/"(\/[^"]+)"/g)) {
      const named = m[1]!;
      for (const src of new Set(Object.values(sources))) {
        let text: string;
        try {
          text = readFileSync(src, "utf8");
        } catch {
          continue;
        }
        const at = text.split("\n").findIndex((l) => l.replace(/(^|\s)#.*$/, "").includes(named));
        if (at >= 0) {
          const message = said.replace(/^.*?\[(emerg|alert|ALERT|error)\]\s*(\d+#\d+:\s*)?/, "").trim();
          return new InputError(`${src}:${at + 1}`, `${driver} cannot use ${named}: ${message}`);
        }
      }
    }
  }
  return undefined;
}

/**
 * The server's config test refused without a file, line or a path the template names: still the
 * user's config (exit 2), named by its main file, with the server's own line. A failed bind is not
 * the config's doing (another process took the port): left to the caller.
 */
function lineless(
  driver: string,
  output: string,
  rules: TemplateRules,
  sources: Record<string, string>,
): InputError | undefined {
  const said = output.split("\n").find((l) => /\[(emerg|ALERT)\]|^\[!\]/.test(l));
  if (!said || /Address already in use|\bbind/i.test(said)) return undefined;
  const main = sources[rules.mainFile] ?? Object.values(sources)[0];
  if (!main) return undefined;
  const message = said
    .replace(/^.*?\[(emerg|ALERT)\]\s*(\(\d+\)\s*:\s*)?(\d+#\d+:\s*)?|^\[!\]\s*/, "")
    .trim();
  return new InputError(main, `${driver} rejects the config: ${message}`);
}
