import { clientLabel, SPEAKS_STARTTLS } from "../model/client-spec.ts";
import { CLIENT_NAMES, type ScenarioDriver } from "../model/names.ts";
import { DRIVER_STARTTLS, type StartTlsProtocol } from "../model/starttls.ts";
import type {
  DriverServerSpec,
  EndpointServerSpec,
  Expectation,
  Scenario,
  ServerSpec,
} from "./define-scenario.ts";

/** Drivers whose config a user can bring as a template (`config:`). */
export const TEMPLATE_DRIVERS: readonly ScenarioDriver[] = ["nginx", "haproxy", "apache", "stunnel"];

/**
 * Drivers that take several template files (`config: [a, b]`): HAProxy has no include directive
 * and reads several `-f` files in order. The others include from their main file.
 */
export const MULTI_FILE_TEMPLATE_DRIVERS: readonly ScenarioDriver[] = ["haproxy"];

/**
 * A server whose advertised list is whatever its config says: an endpoint, or a user's template
 * given no policy. Such a server has no intended list, so `advertises: "intended"` cannot judge it.
 */
export function isAsConfigured(s: ServerSpec): boolean {
  return s.driver === "endpoint" || (s.config !== undefined && s.policy === undefined);
}

/** "host:port" with a port in 1..65535; IPv6 hosts in brackets. */
export function parseAddress(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

/**
 * Drivers that run in a user's image (`image:`): one foreground binary the image has under
 * Debian's name, reloaded by a signal to it; no relay, no compiler, no database setup inside.
 */
export const IMAGE_DRIVERS: readonly ScenarioDriver[] = ["nginx", "haproxy", "apache", "stunnel"];

/** A Docker image reference: [registry/]name[:tag][@sha256:digest], lower-case path. */
const IMAGE_REF =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** Every field a scenario's server may carry, before the rules below tie each to its kind. */
type ServerFields = Omit<DriverServerSpec, "driver"> &
  Omit<EndpointServerSpec, "driver" | "address"> & { driver: ScenarioDriver; address?: string };

const ONLY_ENDPOINT = ["address", "sni", "starttls", "application"] as const;
const NOT_ENDPOINT = ["policy", "legacyCompat", "clientAuth", "config", "image"] as const;

function selectsServer(e: Expectation, s: ServerSpec): boolean {
  const w = e.when;
  if (w?.server !== undefined && ![w.server].flat().includes(s.driver)) return false;
  return w?.policy === undefined || w.policy === "as-configured";
}

/**
 * Rules across fields that the shape check cannot express: which driver takes which field, when
 * `roots` may be left out, and which expectations an "as configured" server cannot meet. Each
 * problem names its path.
 */
export function serverRuleProblems(scenario: Scenario): string[] {
  const out: string[] = [];
  scenario.servers.forEach((server, i) => {
    const at = `servers[${i}]`;
    // Checked here: a server may still carry the fields of the other kind, so read them loosely.
    const s = server as ServerFields;
    if (s.driver === "endpoint") {
      if (s.address === undefined) out.push(`${at}.address is required for driver "endpoint" (host:port)`);
      else if (!parseAddress(s.address))
        out.push(`${at}.address "${s.address}" is not host:port with a port in 1..65535`);
      for (const k of NOT_ENDPOINT)
        if (s[k] !== undefined)
          out.push(
            `${at}.${k} does not apply to driver "endpoint" (a running server is tested as configured)`,
          );
    } else {
      for (const k of ONLY_ENDPOINT)
        if (s[k] !== undefined) out.push(`${at}.${k} applies to driver "endpoint" only`);
    }
    if (s.config !== undefined && s.driver !== "endpoint" && !TEMPLATE_DRIVERS.includes(s.driver))
      out.push(
        `${at}.config: driver "${s.driver}" takes no config template (only ${TEMPLATE_DRIVERS.join(", ")})`,
      );
    if (s.allowCommands !== undefined && s.config === undefined)
      out.push(`${at}.allowCommands applies to a server with a config template only`);
    if (s.image !== undefined && s.driver !== "endpoint") {
      if (!IMAGE_DRIVERS.includes(s.driver))
        out.push(
          `${at}.image: driver "${s.driver}" cannot run in a user's image (only ${IMAGE_DRIVERS.join(", ")})`,
        );
      else if (!IMAGE_REF.test(s.image))
        out.push(`${at}.image "${s.image}" is not an image reference (name[:tag])`);
      else if (scenario.runtime === "process")
        out.push(`${at}.image "${s.image}" needs the container runtime (runtime is "process")`);
    }
    if (Array.isArray(s.config) && TEMPLATE_DRIVERS.includes(s.driver)) {
      if (!MULTI_FILE_TEMPLATE_DRIVERS.includes(s.driver))
        out.push(
          `${at}.config: driver "${s.driver}" takes one config file (its includes are rendered with it); several files only for ${MULTI_FILE_TEMPLATE_DRIVERS.join(", ")}`,
        );
      else {
        const dup = s.config.find((c, j) => s.config!.indexOf(c) !== j);
        if (dup !== undefined) out.push(`${at}.config names "${dup}" twice`);
      }
    }
  });
  out.push(...starttlsPairingProblems(scenario));
  if (scenario.roots === undefined && !scenario.servers.every((s) => s.driver === "endpoint"))
    out.push("roots is required (only a scenario whose servers are all endpoints can leave it out)");
  (scenario.expect ?? []).forEach((e, i) => {
    if (e.advertises !== "intended") return;
    const j = scenario.servers.findIndex((s) => isAsConfigured(s) && selectsServer(e, s));
    if (j >= 0)
      out.push(
        `expect[${i}].advertises "intended" cannot judge servers[${j}] (${scenario.servers[j]!.driver}, as configured: it has no intended list); use "all" or "none", or narrow expect[${i}].when`,
      );
  });
  return out;
}

/** The prelude a scenario's server needs: its driver's own, or an endpoint's `starttls`. */
export function serverStartTls(s: ServerSpec): StartTlsProtocol | undefined {
  return s.driver === "endpoint" ? s.starttls : DRIVER_STARTTLS[s.driver];
}

/**
 * Every client meets every server, so a client that cannot run a server's STARTTLS prelude would
 * only fail each case of that pair on the wire: refuse the scenario instead, naming the client,
 * the server and the clients that can.
 */
function starttlsPairingProblems(scenario: Scenario): string[] {
  const out: string[] = [];
  const clients = scenario.clients ?? ["node"];
  scenario.servers.forEach((s, i) => {
    const protocol = serverStartTls(s);
    if (!protocol) return;
    const why =
      s.driver === "endpoint"
        ? `servers[${i}].starttls "${protocol}"`
        : `servers[${i}].driver "${s.driver}" (STARTTLS ${protocol})`;
    const able = CLIENT_NAMES.filter((n) => SPEAKS_STARTTLS[n].includes(protocol));
    clients.forEach((c, j) => {
      const name = typeof c === "string" ? c : c.name;
      if (!SPEAKS_STARTTLS[name].includes(protocol))
        out.push(
          `clients[${j}] "${clientLabel(c)}" cannot run the ${protocol} STARTTLS prelude that ${why} needs (clients that can: ${able.join(", ")})`,
        );
    });
  });
  return out;
}
