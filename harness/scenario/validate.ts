import { APPLICATION_PROTOCOLS } from "../model/application.ts";
import {
  type ClientEntry,
  clientLabel,
  EMULATES_SELECTION,
  KNOWN_PROPERTIES,
  NATIVE_SELECTION,
  TAKES_PROPERTIES,
} from "../model/client-spec.ts";
import { CLIENT_NAMES, SCENARIO_DRIVER_NAMES } from "../model/names.ts";
import { OUTCOME_CLASSES, OUTCOME_SIDES } from "../model/outcome.ts";
import { parsePolicy } from "../model/policy.ts";
import { STARTTLS_PROTOCOLS } from "../model/starttls.ts";
import type { Scenario } from "./define-scenario.ts";
import { serverRuleProblems } from "./server-rules.ts";

/**
 * Runtime validation of a scenario (types vanish at run time). Reports every problem with its
 * path, e.g. `servers[1].driver "ngnix" is not one of nginx, apache, ...`; unknown keys are errors,
 * so a typo never silently falls back to a default.
 */
type Check = (value: unknown, path: string, problems: string[]) => void;

const show = (v: unknown) => (typeof v === "string" ? `"${v}"` : JSON.stringify(v));

const str: Check = (v, p, out) => {
  if (typeof v !== "string" || v.length === 0) out.push(`${p} ${show(v)} is not a non-empty string`);
};
const bool: Check = (v, p, out) => {
  if (typeof v !== "boolean") out.push(`${p} ${show(v)} is not true or false`);
};
const int =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (v, p, out) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      out.push(`${p} ${show(v)} is not an integer in ${min}..${max}`);
  };
const oneOf =
  (values: readonly string[]): Check =>
  (v, p, out) => {
    if (typeof v !== "string" || !values.includes(v))
      out.push(`${p} ${show(v)} is not one of ${values.join(", ")}`);
  };
const date: Check = (v, p, out) => {
  if (typeof v !== "string" || Number.isNaN(Date.parse(v)))
    out.push(`${p} ${show(v)} is not an ISO 8601 date`);
};
const policy: Check = (v, p, out) => {
  if (typeof v !== "string" || !parsePolicy(v))
    out.push(`${p} ${show(v)} is not one of all, none, schannel, schannel-2003, truncate-bytes:N`);
};
/** Selectors may also name the "as-configured" policy of endpoints and templates. */
const selectorPolicy: Check = (v, p, out) => {
  if (v !== "as-configured") policy(v, p, out);
};
const order: Check = (v, p, out) => {
  if (typeof v !== "string" || !/^(ctl|subject|shuffle:\d+)$/.test(v))
    out.push(`${p} ${show(v)} is not one of ctl, subject, shuffle:SEED`);
};
const arr =
  (item: Check, min = 1): Check =>
  (v, p, out) => {
    if (!Array.isArray(v)) return void out.push(`${p} ${show(v)} is not a list`);
    if (v.length < min) out.push(`${p} needs at least ${min} item${min > 1 ? "s" : ""}`);
    for (const [i, x] of v.entries()) item(x, `${p}[${i}]`, out);
  };
const either =
  (a: Check, b: Check): Check =>
  (v, p, out) => {
    const first: string[] = [];
    a(v, p, first);
    if (first.length === 0) return;
    const second: string[] = [];
    b(v, p, second);
    if (second.length > 0) out.push(...first);
  };

function obj(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, p, out) => {
    if (typeof v !== "object" || v === null || Array.isArray(v))
      return void out.push(`${p || "scenario"} is not an object`);
    const rec = v as Record<string, unknown>;
    const at = (k: string) => (p ? `${p}.${k}` : k);
    for (const [k, check] of Object.entries(required)) {
      if (rec[k] === undefined) out.push(`${at(k)} is required`);
      else check(rec[k], at(k), out);
    }
    for (const [k, check] of Object.entries(optional)) if (rec[k] !== undefined) check(rec[k], at(k), out);
    const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
    for (const k of Object.keys(rec))
      if (!known.has(k)) out.push(`${at(k)} is not a known field (known: ${[...known].join(", ")})`);
  };
}

/** A union keyed on `kind`. */
function byKind(variants: Record<string, Check>): Check {
  return (v, p, out) => {
    const kind = (v as { kind?: unknown } | null)?.kind;
    const variant = typeof kind === "string" ? variants[kind] : undefined;
    if (!variant)
      return void out.push(`${p}.kind ${show(kind)} is not one of ${Object.keys(variants).join(", ")}`);
    variant(v, p, out);
  };
}

const purpose = oneOf(["serverAuth", "clientAuth", "any"]);
/** `kind` itself is checked by byKind before the variant runs. */
const anyKind: Check = () => {};

const rootSource = byKind({
  ctl: obj({ kind: anyKind, path: str }, { certs: str, purpose, asOf: date, includeDisabled: bool }),
  pem: obj({ kind: anyKind, path: str }),
  directory: obj({ kind: anyKind, path: str }),
  certdata: obj({ kind: anyKind, path: str }),
  builtin: obj({ kind: anyKind }),
  system: obj({ kind: anyKind }),
  synthetic: obj({ kind: anyKind }, { seed: int(0), count: int(1, 100_000) }),
  snapshots: obj({ kind: anyKind, paths: arr(str) }, { certs: str, purpose, includeDisabled: bool }),
});

const tlsVersion = oneOf(["1.2", "1.3"]);
const outcomeClass = oneOf(OUTCOME_CLASSES);

const selection = oneOf(["by-issuer-list", "always"]);

const selector = obj(
  {},
  {
    server: either(oneOf(SCENARIO_DRIVER_NAMES), arr(oneOf(SCENARIO_DRIVER_NAMES))),
    tls: tlsVersion,
    client: either(str, arr(str)),
    selection,
    policy: either(selectorPolicy, arr(selectorPolicy)),
    minBytes: int(0),
    maxBytes: int(0),
    minAdvertisedBytes: int(0),
    maxAdvertisedBytes: int(0),
    minMessageBytes: int(0),
    maxMessageBytes: int(0),
    step: either(str, arr(str)),
  },
);

/** JSSE property names and values, passed to `java -Dk=v`: no spaces, no shell or quoting tricks. */
const properties: Check = (v, p, out) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return void out.push(`${p} is not an object`);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(k)) out.push(`${p} key ${show(k)} is not a property name`);
    if (typeof x !== "string" || !/^[A-Za-z0-9._:,=+-]*$/.test(x))
      out.push(`${p}.${k} ${show(x)} is not a plain string value`);
  }
};

const clientOptions = obj(
  { name: oneOf(CLIENT_NAMES) },
  {
    select: selection,
    properties,
    label: (v, p, out) => {
      str(v, p, out);
      if (typeof v === "string" && !/^[A-Za-z0-9._:=+-]+$/.test(v))
        out.push(`${p} ${show(v)} may only hold letters, digits and . _ : = + -`);
    },
  },
);

/** What the shape check cannot see: options the client cannot take, labels used twice. */
const clientEntry: Check = (v, p, out) => {
  if (typeof v === "string") return oneOf(CLIENT_NAMES)(v, p, out);
  const before = out.length;
  clientOptions(v, p, out);
  if (out.length > before) return;
  const e = v as Exclude<ClientEntry, string>;
  if (e.select && e.select !== NATIVE_SELECTION[e.name] && !EMULATES_SELECTION.includes(e.name))
    out.push(
      `${p}.select ${show(e.select)}: ${e.name} always chooses "${NATIVE_SELECTION[e.name]}" (only ${EMULATES_SELECTION.join(", ")} can emulate by-issuer-list)`,
    );
  if (e.properties && !TAKES_PROPERTIES.includes(e.name))
    out.push(`${p}.properties: only ${TAKES_PROPERTIES.join(", ")} takes properties, not ${e.name}`);
  const known = KNOWN_PROPERTIES[e.name];
  for (const [k, x] of Object.entries(e.properties ?? {})) {
    if (known && !known.includes(k))
      out.push(`${p}.properties key ${show(k)}: ${e.name} takes only ${known.join(", ")}`);
    else if (known && !/^[1-9][0-9]{0,9}$/.test(x))
      out.push(`${p}.properties.${k} ${show(x)} is not a positive whole number of bytes`);
  }
};

/** A bisect's `until`: "non-ok" or an outcome pattern with at least one field. */
const bisectUntil: Check = (v, p, out) => {
  if (typeof v === "string") return oneOf(["non-ok"])(v, p, out);
  const before = out.length;
  obj({}, { outcome: either(outcomeClass, arr(outcomeClass)), side: oneOf(OUTCOME_SIDES), alert: str })(
    v,
    p,
    out,
  );
  if (out.length === before && Object.keys(v as object).length === 0)
    out.push(`${p} {} names nothing: give outcome, side or alert, or "non-ok"`);
};

/** One `roots.bisect` entry: its shape, then the range (sizes in names or bytes, as `sizes`/`bytes`). */
const bisectEntry: Check = (v, p, out) => {
  const before = out.length;
  obj(
    { from: int(0), to: int(0) },
    { by: oneOf(["names", "bytes"]), until: bisectUntil, client: either(str, arr(str)) },
  )(v, p, out);
  if (out.length > before) return;
  const b = v as { by?: string; from: number; to: number };
  const max = b.by === "bytes" ? 10_000_000 : 100_000;
  const min = b.by === "bytes" ? 0 : 1; // a names step holds at least the client issuer
  if (b.from < min || b.from > max) out.push(`${p}.from ${b.from} is not an integer in ${min}..${max}`);
  if (b.to > max) out.push(`${p}.to ${b.to} is not an integer in ${min}..${max}`);
  else if (b.to <= b.from) out.push(`${p}.to ${b.to} is not greater than ${p}.from ${b.from}`);
};

const scenarioCheck = obj(
  {
    name: str,
    servers: arr(
      obj(
        { driver: oneOf(SCENARIO_DRIVER_NAMES) },
        {
          tls: arr(tlsVersion),
          policy: either(policy, arr(policy)),
          clientAuth: oneOf(["require", "optional"]),
          legacyCompat: bool,
          address: str,
          sni: str,
          starttls: oneOf(STARTTLS_PROTOCOLS),
          application: oneOf(APPLICATION_PROTOCOLS),
          config: either(str, arr(str)),
          allowCommands: bool,
          image: str,
          steps: arr(str),
        },
      ),
    ),
  },
  {
    roots: obj(
      { source: rootSource },
      {
        sizes: arr(int(0, 100_000)),
        bytes: arr(int(0, 10_000_000)),
        wireBytes: arr(int(0, 10_000_000)),
        order,
        clientIssuer: either(oneOf(["first", "last"]), int(0)),
        topUpSynthetic: bool,
        bisect: (v, p, out) => (Array.isArray(v) ? arr(bisectEntry)(v, p, out) : bisectEntry(v, p, out)),
      },
    ),
    identity: either(
      obj({ cert: str, key: str, issuer: str }, { chain: str }),
      obj({ pkcs12: str, issuer: str }, { passwordEnv: str, chain: str }),
    ),
    description: str,
    runtime: oneOf(["container", "process", "auto"]),
    jobs: int(1, 256),
    clients: arr(clientEntry),
    latency: bool,
    bench: obj({}, { time: int(1, 600_000), iterations: int(1, 100_000), concurrency: int(1, 64) }),
    expect: arr(
      obj(
        {},
        {
          name: str,
          when: selector,
          outcome: either(outcomeClass, arr(outcomeClass)),
          alert: str,
          side: oneOf(OUTCOME_SIDES),
          certificateSent: bool,
          advertises: oneOf(["all", "none", "intended"]),
          clientIssuerAdvertised: bool,
        },
      ),
      0,
    ),
  },
);

/** Client labels are unique; every expectation's `when.client` names a client of the scenario. */
function crossCheck(s: Scenario, out: string[]): void {
  const labels = (s.clients ?? ["node"]).map(clientLabel);
  labels.forEach((l, i) => {
    if (labels.indexOf(l) !== i) out.push(`clients[${i}] label "${l}" is used twice (give one a label)`);
  });
  for (const [i, e] of (s.expect ?? []).entries())
    for (const c of [e.when?.client ?? []].flat())
      if (!labels.includes(c))
        out.push(
          `expect[${i}].when.client "${c}" is not one of the scenario's clients: ${labels.join(", ")}`,
        );
  const bisect = s.roots?.bisect;
  const entries = bisect === undefined ? [] : [bisect].flat();
  entries.forEach((b, i) => {
    const at = Array.isArray(bisect) ? `roots.bisect[${i}]` : "roots.bisect";
    for (const c of [b.client ?? []].flat())
      if (!labels.includes(c))
        out.push(`${at}.client "${c}" is not one of the scenario's clients: ${labels.join(", ")}`);
  });
  if (s.latency === false && s.bench !== undefined)
    out.push("bench is set but latency is false: nothing is sampled (remove one of them)");
  if (entries.length > 0 && s.servers.every((x) => x.driver === "endpoint"))
    out.push("roots.bisect: every server is an endpoint, and an endpoint's list is not grown");
}

/** Every problem found, each with its path; empty when the scenario is valid. */
export function scenarioProblems(value: unknown): string[] {
  const problems: string[] = [];
  scenarioCheck(value, "", problems);
  if (problems.length === 0) crossCheck(value as Scenario, problems);
  // Rules across fields (which driver takes which field) only make sense on a well-formed shape.
  if (problems.length === 0) problems.push(...serverRuleProblems(value as Scenario));
  return problems;
}

/** Narrow `value` to a Scenario or return its problems. */
export function validateScenario(
  value: unknown,
): { ok: true; scenario: Scenario } | { ok: false; problems: string[] } {
  const problems = scenarioProblems(value);
  return problems.length === 0 ? { ok: true, scenario: value as Scenario } : { ok: false, problems };
}
