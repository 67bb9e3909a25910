import { nginxIncludes, parseNginx } from "../../config/nginx-syntax.ts";
import type { ScopeState, TemplateRules } from "./render-template.ts";

/**
 * Per product: which placeholders a template must use, which of the user's directives rootload
 * overrides (and why), how includes and config errors look. docs/templates.md shows the same table.
 */

const atTopLevel = (s: ScopeState) => s.depth === 0;

/** A directive's first argument (quoted or not) replaced by `value`. */
function firstArg(line: string, value: string): string {
  return line.replace(/^(\s*<?[A-Za-z_][\w-]*\s+)("[^"]*"|'[^']*'|[^\s;>]+)/, `$1${value}`);
}

/** A path in the user's config that rootload moves into the server's state folder, named `name`. */
function toState(directive: RegExp, name: string | ((line: string) => string), why: string) {
  return {
    directive,
    why,
    rewrite: (line: string, state: (n: string) => string) =>
      firstArg(line, state(typeof name === "string" ? name : name(line))),
  };
}

const LOGS_WHY =
  "logs go to the server's state folder: the deployment's log folder is not rootload's to write";

/** nginx: rootload passes `-g "daemon off; pid …; error_log stderr notice;"` in place of the user's. */
export const NGINX_TEMPLATE: TemplateRules = {
  driver: "nginx",
  mainFile: "nginx.conf",
  required: [
    ["ROOTLOAD_LISTEN", "ROOTLOAD_PORT"],
    ["ROOTLOAD_CERT"],
    ["ROOTLOAD_KEY"],
    ["ROOTLOAD_CA_FILE", "ROOTLOAD_CA_ADVERTISED_FILE"],
  ],
  listener: /^\s*listen\s/,
  // ipv6only= is an IPv6 socket option: refused on the IPv4 address the listener moves to.
  relisten: (line, address) => firstArg(line, address).replace(/\s+ipv6only=\w+/, ""),
  redirects: [
    toState(/^\s*access_log\s+(?!off\b|syslog:|"?\/dev\/std)/, "access.log", LOGS_WHY),
    // Top-level error_log is overridden; one in http/server/location goes to stderr with it.
    {
      directive: /^\s*error_log\s+(?!stderr\b|syslog:)/,
      why: "rootload reads the server's log on stderr",
      rewrite: (line) => firstArg(line, "stderr"),
    },
    toState(
      /^\s*(client_body|proxy|fastcgi|uwsgi|scgi)_(temp|cache)_path\s/,
      (l) => /^\s*(\w+)/.exec(l)![1]!,
      "temp and cache folders go to the server's state folder",
    ),
  ],
  overrides: [
    { directive: /^\s*daemon\s/, why: "rootload runs the server in the foreground" },
    { directive: /^\s*pid\s/, why: "rootload keeps the pid file in the server's directory" },
    { directive: /^\s*user\s/, why: "the server runs as the user rootload runs as" },
    { directive: /^\s*error_log\s/, why: "rootload reads the server's log on stderr" },
    {
      directive: /^\s*worker_processes\s/,
      why: "one worker answers as several do, and many servers share the machine",
    },
  ],
  inOverrideScope: atTopLevel,
  includes: (text) =>
    nginxIncludes(parseNginx(text).directives).map((d) => ({ line: d.line, path: d.args[0] ?? "" })),
  configError: (output) => {
    const m = /\[emerg\] (?:\d+#\d+: )?(.*?) in (\/\S+?):(\d+)/.exec(output);
    return m ? { file: m[2]!, line: Number(m[3]), message: m[1]! } : undefined;
  },
};

/** The nginx command-line directives that stand in for the overridden ones. */
export function nginxGlobals(pidFile: string): string {
  return `daemon off; master_process on; worker_processes 1; pid ${pidFile}; error_log stderr notice;`;
}

/**
 * HAProxy: rootload runs `haproxy -W -db -f … -p …` (master-worker, foreground, its own pid file).
 * HAProxy has no include directive: a config split over several files is given as several `-f`
 * files, in order (`config: ["global.cfg.template", "frontends.cfg.template"]`).
 */
export const HAPROXY_TEMPLATE: TemplateRules = {
  driver: "haproxy",
  mainFile: "haproxy.cfg",
  severalFiles: true,
  required: [
    ["ROOTLOAD_LISTEN", "ROOTLOAD_PORT"],
    ["ROOTLOAD_CERT"],
    ["ROOTLOAD_CA_FILE", "ROOTLOAD_CA_ADVERTISED_FILE"],
  ],
  listener: /^\s*bind\s/,
  relisten: (line, address) => firstArg(line, address),
  overrides: [
    { directive: /^\s*daemon\b/, why: "rootload runs the server in the foreground (-db)" },
    { directive: /^\s*pidfile\s/, why: "rootload keeps the pid file in the server's directory (-p)" },
    { directive: /^\s*(user|group|uid|gid)\s/, why: "the server runs as the user rootload runs as" },
    { directive: /^\s*chroot\s/, why: "the rendered files live outside any chroot" },
    {
      directive: /^\s*stats\s+socket\s/,
      why: "rootload reloads by signal; the socket path may not exist here",
    },
  ],
  inOverrideScope: (s) => s.section === "global",
  configError: (output) => {
    const m = /\[ALERT\].*?\[(\/[^\]:]+):(\d+)\]\s*:\s*(.*)/.exec(output);
    return m ? { file: m[1]!, line: Number(m[2]), message: m[3]!.trim() } : undefined;
  },
};

/**
 * Apache httpd: rootload runs `apache2 -f … -DFOREGROUND` and appends `-c` directives that win
 * over the user's (pid file, log to stderr at notice level, runtime directory, mutexes in the
 * server's directory). Includes resolve from `ServerRoot` and are read as they are (not rendered).
 */
export const APACHE_TEMPLATE: TemplateRules = {
  driver: "apache",
  mainFile: "apache.conf",
  required: [
    ["ROOTLOAD_LISTEN", "ROOTLOAD_PORT"],
    ["ROOTLOAD_CERT"],
    ["ROOTLOAD_KEY"],
    ["ROOTLOAD_CA_FILE", "ROOTLOAD_CA_ADVERTISED_FILE", "ROOTLOAD_CA_VERIFY_FILE"],
  ],
  // The virtual host must name the address Listen gives, or the TLS settings never apply.
  listener: /^\s*(Listen\s|<VirtualHost\s)/i,
  relisten: (line, address) =>
    /^\s*</.test(line)
      ? line.replace(/^(\s*<VirtualHost\s+)[^>]*/i, `$1${address}`)
      : firstArg(line, address),
  // `Listen 80` and `<VirtualHost *:80>` stay one address: keyed by port.
  listenKey: (line) => (/^\s*Listen\s+(?:\S*:)?(\d+)/i.exec(line) ?? /:(\d+)/.exec(line))?.[1] ?? "any",
  redirects: [
    toState(/^\s*(CustomLog|TransferLog)\s+(?!"?\|)/i, "access.log", LOGS_WHY),
    {
      directive: /^\s*SSLSessionCache\s+shmcb:/i,
      why: "the session cache goes to the server's state folder",
      rewrite: (line, state) => line.replace(/shmcb:[^(\s]+/i, `shmcb:${state("ssl_scache")}`),
    },
  ],
  overrides: [
    { directive: /^\s*PidFile\s/i, why: "rootload keeps the pid file in the server's directory" },
    { directive: /^\s*ErrorLog\s/i, why: "rootload reads the server's log on stderr" },
    { directive: /^\s*LogLevel\s/i, why: "readiness and reloads are read from notice-level lines" },
    { directive: /^\s*(DefaultRuntimeDir|Mutex)\s/i, why: "runtime files live in the server's directory" },
  ],
  inOverrideScope: () => true,
  configError: (output) => {
    const m = /Syntax error on line (\d+) of (\/[^:\s]+):\s*\n?([^\n]*)/.exec(output);
    return m
      ? { file: m[2]!, line: Number(m[1]), message: m[3]!.replace(/AH\d+: .*$/, "").trim() }
      : undefined;
  },
};

/**
 * The `-c` directives that stand in for the overridden Apache ones (processed after the config).
 * `dir` is the server's writable state folder: in a container the rest of its directory is read-only.
 */
export function apacheOverrides(dir: string): string[] {
  return [
    `PidFile ${dir}/apache.pid`,
    'ErrorLog "|/bin/cat"',
    "LogLevel notice",
    `DefaultRuntimeDir ${dir}`,
    `Mutex file:${dir} default`,
  ].flatMap((d) => ["-c", d]);
}

/** Where a stunnel template is rendered: a folder that rootload's own stunnel.conf includes. */
export const STUNNEL_USER_DIR = "stunnel.d";

/**
 * stunnel: no command-line settings, so rootload runs its own stunnel.conf — foreground, pid file
 * in the server's state folder, info-level log on stderr (binds are logged there) — whose last line includes the folder
 * holding the user's rendered config. stunnel then names the user's file and line in its errors.
 */
export const STUNNEL_TEMPLATE: TemplateRules = {
  driver: "stunnel",
  mainFile: `${STUNNEL_USER_DIR}/stunnel.conf`,
  // stunnel comments are whole lines starting with ";" or "#".
  comment: /^\s*[;#].*$/,
  required: [
    ["ROOTLOAD_LISTEN", "ROOTLOAD_PORT"],
    ["ROOTLOAD_CERT"],
    ["ROOTLOAD_CA_FILE", "ROOTLOAD_CA_ADVERTISED_FILE"],
  ],
  listener: /^\s*accept\s*=/,
  relisten: (line, address) => line.replace(/^(\s*accept\s*=\s*).*$/, `$1${address}`),
  overrides: [
    { directive: /^\s*foreground\s*=/, why: "rootload runs the server in the foreground" },
    { directive: /^\s*pid\s*=/, why: "rootload keeps the pid file in the server's directory" },
    { directive: /^\s*(setuid|setgid)\s*=/, why: "the server runs as the user rootload runs as" },
    { directive: /^\s*chroot\s*=/, why: "the rendered files live outside any chroot" },
    {
      directive: /^\s*(output|syslog|debug)\s*=/,
      why: "rootload reads the server's info-level log on stderr",
    },
  ],
  // Global options are the lines before the first [service].
  inOverrideScope: (s) => s.bracket === "",
  configError: (output) => {
    const m = /\[!\] (\/\S+?):(\d+): (.*)/.exec(output);
    return m ? { file: m[1]!, line: Number(m[2]), message: m[3]!.trim() } : undefined;
  },
};

/** rootload's stunnel.conf around a user's template: its global settings, then the user's folder. */
export function stunnelGlobals(pidFile: string, userDir: string): string {
  return `; rendered by rootload: its global settings, then your config (${STUNNEL_USER_DIR}/)
foreground = yes
pid = ${pidFile}
debug = 6
syslog = no
include = ${userDir}
`;
}
