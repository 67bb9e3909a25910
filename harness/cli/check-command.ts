import { numberFlag, parseCommandArgs } from "../args.ts";
import { loadCaSource } from "../check/ca-source.ts";
import { check } from "../check/check.ts";
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
import { InputError } from "../errors.ts";
import type { TlsVersion } from "../model/tls.ts";
import type { Command } from "./command.ts";
import { safeText } from "./safe-text.ts";

const USAGE = `usage: rootload check <ca-bundle|dir|ctl|certdata|config-file> [--server ${SERVER_STACKS.join("|")}[,...]]
                      [--tls 1.2,1.3] [--clients ${CLIENT_STACKS.join(",")}] [--issuer ca.pem]
                      [--endpoint NAME] [--java-max-handshake BYTES] [--json]
       rootload check --limits
Predicts, without a server, what each server does with the CA list it would advertise and which
clients refuse it. Exit 0: all fine; 1: something predicted to break; 2: bad input.
`;

const OPTIONS = {
  server: { type: "string" },
  tls: { type: "string" },
  clients: { type: "string" },
  issuer: { type: "string" },
  endpoint: { type: "string" },
  "java-max-handshake": { type: "string" },
  json: { type: "boolean" },
  limits: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

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
function issuerSubject(path: string | undefined): Uint8Array | undefined {
  if (path === undefined) return undefined;
  const entries = loadCaSource(path);
  if (entries.length !== 1)
    throw new InputError(path, `--issuer wants one CA certificate, found ${entries.length}`);
  return entries[0]!.subjectDer;
}

/** `rootload check`: a static prediction from the measured limits; never starts a server. */
export const checkCommand: Command = async (args) => {
  const { values, positionals } = parseCommandArgs("check", args, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.limits) {
    process.stdout.write(limitsText());
    return 0;
  }
  if (positionals.length !== 1)
    throw new InputError("rootload check", `expected one CA source or config file\n${USAGE}`);
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
  const report = check(setup, {
    servers,
    tls,
    clients,
    issuerSubject: issuerSubject(values.issuer),
    ...(javaMax !== undefined ? { javaMaxHandshake: javaMax } : {}),
  });
  // Endpoint names and paths come from the config: the text output is made safe for a terminal.
  process.stdout.write(
    values.json ? `${JSON.stringify(checkJson(report), null, 2)}\n` : safeText(checkText(report)),
  );
  return report.breaks ? 1 : 0;
};
