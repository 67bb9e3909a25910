import { upstreamVersion, versionInRange } from "../model/package-version.ts";
import type { MeasuredOn, ServerLimit } from "./limits.ts";

/** Where a package version the check looks limits up for came from. */
export type VersionSource =
  /** `--version NAME=VERSION` */
  | "given"
  /** Found on this machine (`java -version`). */
  | "host"
  /** What a run recorded for the server it started (tests). */
  | "run";

/** A package version to look limits up for. */
export interface KnownVersion {
  version: string;
  source: VersionSource;
}

/** Known versions by package name (`MeasuredOn.package`). */
export type KnownVersions = Readonly<Record<string, KnownVersion>>;

/** The entries of one stack and TLS version that apply. */
export type LimitLookup =
  /** The entry whose range holds the version. */
  | { kind: "measured"; limit: ServerLimit; version: KnownVersion }
  /** No version known: every entry, for the caller to see whether they agree. */
  | { kind: "any-version"; limits: readonly ServerLimit[] }
  /** The version lies outside every range measured: nothing is predicted from another version. */
  | { kind: "not-measured"; version: KnownVersion; measured: readonly MeasuredOn[] };

/** Whether `on` holds `version` (a figure read in source without a pinned version holds none). */
export function covers(on: MeasuredOn, version: string): boolean {
  return (
    on.from !== undefined && on.to !== undefined && versionInRange(upstreamVersion(version), on.from, on.to)
  );
}

/** The entry for `version` among one stack's entries for one TLS version. */
export function lookupLimit(entries: readonly ServerLimit[], versions: KnownVersions = {}): LimitLookup {
  const pkg = entries[0]?.on.package;
  const version = pkg === undefined ? undefined : versions[pkg];
  if (!version) return { kind: "any-version", limits: entries };
  const limit = entries.find((e) => covers(e.on, version.version));
  return limit
    ? { kind: "measured", limit, version }
    : { kind: "not-measured", version, measured: entries.map((e) => e.on) };
}

/** `java 17.0.15`, `openssl 3.0.19–3.0.22`, `rustls (no version pinned)`. */
export function describeOn(on: MeasuredOn): string {
  if (on.from === undefined || on.to === undefined) return `${on.package} (no version pinned)`;
  return `${on.package} ${on.from === on.to ? on.from : `${on.from}–${on.to}`}`;
}

/** `java 17.0.15 (java -version)`: a version and where the check found it. */
export function describeVersion(pkg: string, v: KnownVersion): string {
  const how = { given: "--version", host: pkg === "java" ? "java -version" : "this host", run: "the run" }[
    v.source
  ];
  return `${pkg} ${v.version} (${how})`;
}
