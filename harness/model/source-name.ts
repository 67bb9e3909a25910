/**
 * A root-program snapshot named rather than given by path: `microsoft:2025-06-16`,
 * `mozilla:latest` (harness/roots/catalog.ts finds the file; docs/data.md lists the programs).
 * A path never matches: it would need a slash or a dot, or be a program name followed by a colon.
 */
export const SOURCE_NAME = /^([a-z][a-z0-9-]*):(latest|\d{4}-\d{2}-\d{2})$/;

/** True when the argument has the shape of a snapshot name. */
export function looksLikeSourceName(arg: string): boolean {
  return SOURCE_NAME.test(arg);
}
