import type { KnownVersions } from "../../harness/check/limit-lookup.ts";
import { describeOn, lookupLimit } from "../../harness/check/limit-lookup.ts";
import { SERVER_PROFILES, type ServerLimit, type ServerStack } from "../../harness/check/limits.ts";
import type { TlsVersion } from "../../harness/model/tls.ts";
import { inCi } from "./require-here.ts";

/** The limits table's entries for the version a started server reported, or why there are none. */
export type MeasuredLimits =
  | { ok: true; versions: KnownVersions; limits: Record<TlsVersion, ServerLimit>; version: string }
  | { ok: false; reason: string };

/**
 * Look up `stack`'s limits for the version the run found (`server.versions()`, keyed by the
 * profile's versionKey). Tests derive their expected boundaries from this, never from one number
 * for all builds; a version without an entry is a reason the caller turns into a CI failure.
 */
export function measuredLimits(stack: ServerStack, serverVersions: Record<string, string>): MeasuredLimits {
  const profile = SERVER_PROFILES[stack];
  const raw = serverVersions[profile.versionKey];
  const pkg = profile.limits["1.2"][0]!.on.package;
  if (!raw)
    return {
      ok: false,
      reason: `${stack} did not report its ${pkg} version (no "${profile.versionKey}" in ${JSON.stringify(serverVersions)}), so no limit entry can be chosen`,
    };
  const versions: KnownVersions = { [pkg]: { version: raw, source: "run" } };
  const limits: Partial<Record<TlsVersion, ServerLimit>> = {};
  for (const tls of ["1.2", "1.3"] as const) {
    const l = lookupLimit(profile.limits[tls], versions);
    if (l.kind !== "measured")
      return {
        ok: false,
        reason:
          `${stack}: the TLS ${tls} CA-list limit is not measured on ${pkg} ${raw} (the table has ` +
          `${profile.limits[tls].map((e) => describeOn(e.on)).join("; ")}): bisect it to the byte ` +
          "(docs/limits-by-version.md) and add an entry to harness/check/limits.ts",
      };
    limits[tls] = l.limit;
  }
  return { ok: true, versions, limits: limits as Record<TlsVersion, ServerLimit>, version: raw };
}

/** On a developer machine a missing limit skips with its reason; in CI (CI=true) it fails. */
export function unmeasured(reason: string, skip: (note: string) => never): never {
  if (inCi()) throw new Error(`${reason} (CI=true: a limit not measured is a failure)`);
  return skip(reason);
}
