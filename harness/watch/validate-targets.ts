import { CLIENT_PROFILES, CLIENT_STACKS, type ClientStack } from "../check/limits.ts";
import { STARTTLS_PROTOCOLS } from "../model/starttls.ts";
import type { TargetsFile } from "./define-targets.ts";
import { parseDuration } from "./duration.ts";

/** Clients `watch` can judge: those that speak TLS 1.2 or 1.3 (forge speaks 1.0 only, which the probe does not). */
export const WATCH_CLIENTS: readonly ClientStack[] = CLIENT_STACKS.filter((c) =>
  CLIENT_PROFILES[c].tls.some((t) => t !== "1.0"),
);

/** Most targets in one file, and the most issuers or names a target may list: bounds, not expectations. */
export const MAX_TARGETS = 500;
export const MAX_CONCURRENCY = 64;
const MAX_ISSUERS = 64;

const show = (v: unknown) => (typeof v === "string" ? `"${v}"` : (JSON.stringify(v) ?? String(v)));

/** "host:port" with the host a name, an IPv4 literal or a bracketed IPv6 literal. */
export function splitAddress(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2])!, port };
}

type Problems = string[];

function keys(v: Record<string, unknown>, path: string, allowed: readonly string[], out: Problems) {
  for (const k of Object.keys(v))
    if (!allowed.includes(k))
      out.push(`${path}${path ? "." : ""}${k} is not a known field (${allowed.join(", ")})`);
}

function duration(v: unknown, path: string, out: Problems) {
  if (v === undefined) return;
  const ms = typeof v === "string" ? parseDuration(v) : undefined;
  if (ms === undefined || ms < 1_000)
    out.push(`${path} ${show(v)} is not a duration of at least 1s (like "30s", "5m", "1h")`);
}

function list<T>(
  v: unknown,
  path: string,
  out: Problems,
  item: (x: unknown, p: string) => void,
  max: number,
): v is T[] {
  if (!Array.isArray(v)) {
    out.push(`${path} ${show(v)} is not a list`);
    return false;
  }
  if (v.length === 0) out.push(`${path} is empty`);
  if (v.length > max) out.push(`${path} has ${v.length} items, more than ${max}`);
  const seen = new Set<unknown>();
  v.slice(0, max).forEach((x, i) => {
    if (seen.has(x)) out.push(`${path}[${i}] ${show(x)} is listed twice`);
    seen.add(x);
    item(x, `${path}[${i}]`);
  });
  return true;
}

const TARGET_KEYS = [
  "name",
  "address",
  "tls",
  "starttls",
  "sni",
  "issuers",
  "clients",
  "expect",
  "interval",
  "timeout",
] as const;

function nonEmpty(v: unknown, path: string, out: Problems, max = 256) {
  if (typeof v !== "string" || v.length === 0 || v.length > max)
    out.push(`${path} ${show(v)} is not a non-empty string of at most ${max} characters`);
}

function oneOf(values: readonly string[]) {
  return (v: unknown, path: string, out: Problems) => {
    if (typeof v !== "string" || !values.includes(v))
      out.push(`${path} ${show(v)} is not one of ${values.join(", ")}`);
  };
}

/**
 * Runtime check of a targets file (types vanish at run time): every problem with its path, e.g.
 * `targets[1].tls[0] "1.1" is not one of 1.2, 1.3`. Unknown fields are errors, so a typo never
 * falls back to a default.
 */
export function validateTargets(
  v: unknown,
): { ok: true; file: TargetsFile } | { ok: false; problems: string[] } {
  const out: Problems = [];
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return { ok: false, problems: [`the file ${show(v)} is not an object with "targets"`] };
  const file = v as Record<string, unknown>;
  keys(file, "", ["interval", "timeout", "concurrency", "targets"], out);
  duration(file.interval, "interval", out);
  duration(file.timeout, "timeout", out);
  if (
    file.concurrency !== undefined &&
    (typeof file.concurrency !== "number" ||
      !Number.isInteger(file.concurrency) ||
      file.concurrency < 1 ||
      file.concurrency > MAX_CONCURRENCY)
  )
    out.push(`concurrency ${show(file.concurrency)} is not an integer in 1..${MAX_CONCURRENCY}`);
  if (file.targets === undefined) out.push("targets is missing");
  else {
    const names = new Map<string, number>();
    list(
      file.targets,
      "targets",
      out,
      (t, p) => {
        if (typeof t !== "object" || t === null || Array.isArray(t))
          return void out.push(`${p} ${show(t)} is not an object`);
        const target = t as Record<string, unknown>;
        keys(target, p, TARGET_KEYS, out);
        nonEmpty(target.name, `${p}.name`, out, 128);
        if (typeof target.name === "string") {
          const first = names.get(target.name);
          if (first !== undefined)
            out.push(`${p}.name "${target.name}" is already the name of targets[${first}]`);
          else names.set(target.name, Number(p.slice(8, -1)));
        }
        if (target.address === undefined) out.push(`${p}.address is missing`);
        else if (typeof target.address !== "string" || !splitAddress(target.address))
          out.push(`${p}.address ${show(target.address)} is not host:port`);
        if (target.tls !== undefined)
          list(target.tls, `${p}.tls`, out, (x, q) => oneOf(["1.2", "1.3"])(x, q, out), 2);
        if (target.starttls !== undefined) oneOf(STARTTLS_PROTOCOLS)(target.starttls, `${p}.starttls`, out);
        if (target.sni !== undefined) nonEmpty(target.sni, `${p}.sni`, out, 253);
        if (target.issuers !== undefined)
          list(target.issuers, `${p}.issuers`, out, (x, q) => nonEmpty(x, q, out, 4096), MAX_ISSUERS);
        if (target.clients !== undefined)
          list(
            target.clients,
            `${p}.clients`,
            out,
            (x, q) => oneOf(WATCH_CLIENTS)(x, q, out),
            WATCH_CLIENTS.length,
          );
        if (target.expect !== undefined) oneOf(["ok", "refused"])(target.expect, `${p}.expect`, out);
        duration(target.interval, `${p}.interval`, out);
        duration(target.timeout, `${p}.timeout`, out);
      },
      MAX_TARGETS,
    );
  }
  return out.length ? { ok: false, problems: out } : { ok: true, file: v as TargetsFile };
}
