import { statSync } from "node:fs";
import { defineCommand, helpText, numberFlag, parseCommandArgs } from "../args.ts";
import { loadCaSource } from "../check/ca-source.ts";
import { check } from "../check/check.ts";
import { hostJavaVersion } from "../check/host-java.ts";
import type { KnownVersion } from "../check/limit-lookup.ts";
import {
  CLIENT_STACKS,
  type ClientStack,
  DEFAULT_CLIENTS,
  DEFAULT_SERVERS,
  SERVER_STACKS,
  type ServerStack,
} from "../check/limits.ts";
import { readInput } from "../check/read-input.ts";
import { checkJson } from "../check/render-json.ts";
import { checkText, limitsText } from "../check/render-text.ts";
import { checkService, serviceJson, serviceText } from "../check/services/check-service.ts";
import { checkWindows } from "../check/windows/check-windows.ts";
import { type SchannelConfig, schannelConfig } from "../check/windows/schannel-settings.ts";
import { InputError } from "../errors.ts";
import type { TlsVersion } from "../model/tls.ts";
import { isSourceName } from "../roots/catalog.ts";
import { isDirectory } from "../roots/input.ts";
import { readHead } from "../roots/load.ts";
import type { Command } from "./command.ts";
import { safeText } from "./safe-text.ts";

export const CHECK = defineCommand({
  name: "check",
  usage: [
    "check <ca-bundle|dir|ctl|certdata|config-file> [options]",
    "check <config> --fix --issuer ca.pem [--issuer …] [--out DIR] [--verify --identity cert.pem,key.pem]",
    "check --fix --server gnutls|java|caddy|node|postgres|lighttpd|openssl|schannel|aws-alb|azure-appgw",
    "check <ca-bundle> --server schannel --windows 2012r2 [--registry SendTrustedIssuerList=1 ...] [--client-auth-issuers ca.pem]",
    "check <ca-bundle> --service aws-alb|azure-appgw [--advertise-ca-names on|off]",
    "check --limits",
  ],
  about: `<ca-bundle…> may also be a snapshot name: microsoft:2025-06-16, mozilla:latest (rootload roots list).
Predicts, without a server, what each server does with the CA list it would advertise and which
clients refuse it. A limit is a fact about a version: each comes from the entry measured on the
version in use (--version java=17.0.15, openssl=3.0.19, ...; for java, the host's \`java -version\`
when not given), and a version outside every measured range is "not measured", never guessed.
Exit 0: all fine; 1: something predicted to break, or not predicted for the version in use;
2: bad input.`,
  options: {
    server: {
      type: "string",
      arg: `${SERVER_STACKS.join("|")}[,...]`,
      help: "servers to predict for (default: the config's server, else all)",
    },
    tls: { type: "string", arg: "1.2,1.3", help: "TLS versions (default both)" },
    clients: {
      type: "string",
      arg: CLIENT_STACKS.join(","),
      help: `clients to predict for (default ${DEFAULT_CLIENTS.join(",")})`,
    },
    issuer: {
      type: "string",
      multiple: true,
      arg: "ca.pem",
      help: "the client certificate's issuing CA: is it advertised? (repeatable with --fix)",
    },
    endpoint: { type: "string", arg: "NAME", help: "which server block of a config with several" },
    "java-max-handshake": {
      type: "string",
      arg: "BYTES",
      help: "also predict a Java client with this jdk.tls.maxHandshakeMessageSize",
    },
    version: {
      type: "string",
      multiple: true,
      arg: "PACKAGE=VERSION",
      help: "a package version in use (java=17.0.15, openssl=3.0.19): limits come from its entry",
    },
    windows: {
      type: "string",
      arg: "2008|2008r2|2012|2012r2|2016|2019|2022|2025",
      help: "with --server schannel: the Windows Server version whose documented defaults apply (emulated, not measured)",
    },
    registry: {
      type: "string",
      multiple: true,
      arg: "NAME=VALUE",
      help: "--windows: a Schannel registry value (SendTrustedIssuerList, ClientAuthTrustMode, MessageLimitServerClientAuth)",
    },
    "client-auth-issuers": {
      type: "string",
      arg: "ca.pem",
      help: '--windows: the certificates in the "Client Authentication Issuers" store (Server 2012 on)',
    },
    hotfix: { type: "string", multiple: true, arg: "KB2880390", help: "--windows 2012: a hotfix installed" },
    service: {
      type: "string",
      arg: "aws-alb|azure-appgw",
      help: "predict a managed load balancer from its published quotas and switches (vendor figures, not measured)",
    },
    "advertise-ca-names": {
      type: "string",
      arg: "on|off",
      help: "--service aws-alb: the listener's AdvertiseTrustStoreCaNames",
    },
    json: { type: "boolean", help: "print the prediction as JSON" },
    limits: { type: "boolean", help: "print the table of measured limits and exit" },
    fix: {
      type: "boolean",
      help: "write the split (advertise the issuers and what fits, trust everything) as a copy in --out (docs/check.md)",
    },
    out: {
      type: "string",
      arg: "DIR",
      help: "--fix: the new folder the fixed config is written to (default ./rootload-fix)",
    },
    verify: {
      type: "boolean",
      help: "--fix: run the original and the fixed config on the real server with the clients",
    },
    identity: { type: "string", arg: "cert.pem,key.pem", help: "--verify: your client certificate and key" },
    "allow-commands": {
      type: "boolean",
      help: "--verify: let the config run the programs it names (stunnel exec, piped logs, HAProxy program), as allowCommands does in a scenario",
    },
    margin: {
      type: "string",
      arg: "BYTES",
      help: "--fix: room left below the tightest client's limit (default 4096)",
    },
    advertise: {
      type: "string",
      arg: "fill|issuers",
      help: "--fix: fill to the margin (default) or the issuers alone",
    },
  },
});
const USAGE = helpText(CHECK);

function listFlag<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const i of items)
    if (!allowed.includes(i as T))
      throw new InputError(`rootload check --${flag}`, `"${i}" is not one of ${allowed.join(", ")}`);
  if (items.length === 0) throw new InputError(`rootload check --${flag}`, "empty list");
  return items as T[];
}

/** The client certificate's issuing CA: its subject is what must be advertised. */
function issuerSubject(paths: readonly string[] | undefined): Uint8Array | undefined {
  if (paths === undefined || paths.length === 0) return undefined;
  if (paths.length > 1)
    throw new InputError("rootload check --issuer", "one issuer (several with --fix only)");
  const path = paths[0]!;
  const entries = loadCaSource(path);
  if (entries.length !== 1)
    throw new InputError(path, `--issuer wants one CA certificate, found ${entries.length}`);
  return entries[0]!.subjectDer;
}

/** `--version NAME=VERSION`, repeatable: the package versions in use. */
function versionFlags(values: readonly string[] | undefined): Record<string, KnownVersion> {
  const out: Record<string, KnownVersion> = {};
  for (const v of values ?? []) {
    const m = /^([a-z][a-z0-9-]*)=(\d[\w.+~:-]*)$/.exec(v.trim());
    if (!m)
      throw new InputError("rootload check --version", `"${v}" is not PACKAGE=VERSION (e.g. java=17.0.15)`);
    out[m[1]!] = { version: m[2]!, source: "given" };
  }
  return out;
}

/** `--windows` and its companions: the Windows Server as configured, or undefined without --windows. */
function windowsConfig(
  values: { windows?: string; registry?: string[]; "client-auth-issuers"?: string; hotfix?: string[] },
  named: readonly ServerStack[] | undefined,
): SchannelConfig | undefined {
  if (values.windows === undefined) {
    for (const f of ["registry", "client-auth-issuers", "hotfix"] as const)
      if (values[f] !== undefined)
        throw new InputError(`rootload check --${f}`, "describes a Windows Server: give --windows VERSION");
    return undefined;
  }
  if (named && (named.length !== 1 || named[0] !== "schannel"))
    throw new InputError(
      "rootload check --windows",
      `describes the schannel server, not ${named.join(", ")}: use --server schannel`,
    );
  const file = values["client-auth-issuers"];
  return schannelConfig({
    windows: values.windows,
    ...(values.registry ? { registry: values.registry } : {}),
    ...(values.hotfix ? { hotfix: values.hotfix } : {}),
    ...(file !== undefined ? { clientAuthIssuers: { file, entries: loadCaSource(file) } } : {}),
  });
}

/** `check --service`: a managed service's verdicts from its published quotas (docs/check.md). */
function serviceCommand(
  input: string,
  values: {
    service?: string;
    "advertise-ca-names"?: string;
    server?: string;
    windows?: string;
    clients?: string;
    tls?: string;
    issuer?: string[];
    version?: string[];
    json?: boolean;
  },
): number {
  if (values.service === undefined)
    throw new InputError(
      "rootload check --advertise-ca-names",
      "is a switch of a service: give --service aws-alb",
    );
  for (const f of ["server", "windows"] as const)
    if (values[f] !== undefined)
      throw new InputError(
        `rootload check --${f}`,
        "is for servers you run; --service predicts a managed one: use one or the other",
      );
  const entries = loadCaSource(input);
  const pemFile =
    !isSourceName(input) &&
    !isDirectory(input) &&
    Buffer.from(readHead(input)).toString("latin1").includes("-----BEGIN CERTIFICATE");
  const report = checkService(
    {
      source: input,
      entries,
      fileBytes: pemFile ? statSync(input).size : entries.map((e) => e.toPem()).join("").length,
    },
    {
      service: values.service,
      ...(values["advertise-ca-names"] !== undefined
        ? { advertiseCaNames: values["advertise-ca-names"] }
        : {}),
      clients: listFlag<ClientStack>("clients", values.clients, CLIENT_STACKS) ?? DEFAULT_CLIENTS,
      tls: listFlag<TlsVersion>("tls", values.tls, ["1.2", "1.3"]) ?? ["1.2", "1.3"],
      issuerSubject: issuerSubject(values.issuer),
      versions: versionFlags(values.version),
    },
  );
  process.stdout.write(
    values.json ? `${JSON.stringify(serviceJson(report), null, 2)}\n` : safeText(serviceText(report)),
  );
  return report.breaks || report.unclear ? 1 : 0;
}

/** `rootload check`: a static prediction from the measured limits; never starts a server. */
export const checkCommand: Command = async (args) => {
  const { values, positionals } = parseCommandArgs(CHECK, args);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.limits) {
    process.stdout.write(limitsText());
    return 0;
  }
  if (values.fix) {
    const tls = listFlag<TlsVersion>("tls", values.tls, ["1.2", "1.3"]);
    const clients = listFlag("clients", values.clients, CLIENT_STACKS) ?? ["java", "go", "openssl"];
    const versions = versionFlags(values.version);
    if (!versions.java && clients.includes("java")) {
      const found = hostJavaVersion();
      if (found) versions.java = { version: found, source: "host" };
    }
    if (positionals.length > 1) throw new InputError("rootload check --fix", "expected one config file");
    if (positionals.length === 0 && !values.server)
      throw new InputError(
        "rootload check --fix",
        "expected a config file, or --server NAME (rootload check --help: usage)",
      );
    // Loaded only for --fix: it brings the runner (servers, clients, PKI), which a plain check, run
    // by every pre-commit hook, should not pay for at start-up.
    const { fixCommand } = await import("./fix-command.ts");
    return fixCommand({
      input: positionals[0] ?? "",
      ...(values.server ? { server: values.server } : {}),
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
      issuers: values.issuer ?? [],
      clients,
      ...(tls ? { tls } : {}),
      ...(values.out ? { out: values.out } : {}),
      verify: values.verify ?? false,
      ...(values.identity ? { identity: values.identity } : {}),
      allowCommands: values["allow-commands"] ?? false,
      ...(values.margin ? { margin: numberFlag("check", "margin", values.margin, 0) } : {}),
      ...(values.advertise ? { advertise: values.advertise } : {}),
      versions,
      write: (t) => process.stdout.write(t),
    });
  }
  if (positionals.length !== 1)
    throw new InputError(
      "rootload check",
      "expected one CA source or config file (rootload check --help: usage)",
    );
  if (values.service !== undefined || values["advertise-ca-names"] !== undefined)
    return serviceCommand(positionals[0]!, values);
  const named = listFlag("server", values.server, SERVER_STACKS);
  const tls = listFlag<TlsVersion>("tls", values.tls, ["1.2", "1.3"]) ?? ["1.2", "1.3"];
  const clients = listFlag<ClientStack>("clients", values.clients, CLIENT_STACKS) ?? DEFAULT_CLIENTS;
  const javaMax = values["java-max-handshake"]
    ? numberFlag("check", "java-max-handshake", values["java-max-handshake"], 0)
    : undefined;
  const setup = readInput(positionals[0]!, {
    server: named?.length === 1 ? named[0] : undefined,
    endpoint: values.endpoint,
  });
  const servers: readonly ServerStack[] = named ?? (setup.server ? [setup.server] : DEFAULT_SERVERS);
  const versions = versionFlags(values.version);
  // Java's TLS 1.3 limit moved between builds: the JDK on this host is the one a local server runs.
  if (!versions.java && (servers.includes("java") || clients.includes("java"))) {
    const found = hostJavaVersion();
    if (found) versions.java = { version: found, source: "host" };
  }
  const params = {
    tls,
    clients,
    issuerSubject: issuerSubject(values.issuer),
    versions,
    ...(javaMax !== undefined ? { javaMaxHandshake: javaMax } : {}),
  };
  const windows = windowsConfig(values, named);
  const report = windows
    ? checkWindows(setup, params, windows)
    : check(setup, {
        ...params,
        servers,
        scope: { from: named ? "--server" : setup.server ? "config" : "none" },
      });
  // Endpoint names and paths come from the config: the text output is made safe for a terminal.
  process.stdout.write(
    values.json ? `${JSON.stringify(checkJson(report), null, 2)}\n` : safeText(checkText(report)),
  );
  return report.breaks || report.unpredicted ? 1 : 0;
};
