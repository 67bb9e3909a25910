/**
 * Package versions as limits are keyed by them: the upstream part of what a run records
 * (`17.0.15+6-1~deb12u1` → `17.0.15`, `3.0.19-1~deb12u2` → `3.0.19`), compared number by number.
 */

/** The upstream version: no Debian epoch, no leading "v", nothing from the first "+", "-" or "~" on. */
export function upstreamVersion(version: string): string {
  return version
    .trim()
    .replace(/^\d+:/, "")
    .replace(/^v(?=\d)/, "")
    .replace(/[-+~\s].*$/, "");
}

/**
 * Order of two upstream versions: dot-separated parts, numerically where both are numbers
 * ("17.0.9" < "17.0.15" < "17.0.21" < "17.0.21.1"); a missing part counts as less.
 */
export function compareVersions(a: string, b: string): number {
  const pa = upstreamVersion(a).split(".");
  const pb = upstreamVersion(b).split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    const c = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/** Whether `version` lies in [from, to] (inclusive, upstream parts only). */
export function versionInRange(version: string, from: string, to: string): boolean {
  return compareVersions(version, from) >= 0 && compareVersions(version, to) <= 0;
}

/** `java -version` prints `openjdk version "17.0.15" 2025-04-15` on stderr: the quoted version, if any. */
export function javaVersionFromBanner(banner: string): string | undefined {
  return /version "([^"]+)"/.exec(banner)?.[1];
}
