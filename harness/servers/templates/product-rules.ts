import { nginxIncludes, parseNginx } from "../../config/nginx-syntax.ts";
import type { ScopeState, TemplateRules } from "./render-template.ts";

/**
 * Per product: which placeholders a template must use, which of the user's directives rootload
 * overrides (and why), how includes and config errors look. docs/templates.md shows the same table.
 */

const atTopLevel = (s: ScopeState) => s.depth === 0;

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
