import { EngineError } from "../errors.ts";
import { SAFE_PATH } from "../state-dir.ts";

/**
 * Paths as each server's config syntax wants them. Every path rootload renders comes from its
 * state folder, whose name is checked against SAFE_PATH; the check is repeated here so that no
 * path with a quote, a `$`, a space or a newline ever reaches a config, whatever its origin.
 */
export function checkedPath(path: string): string {
  if (!SAFE_PATH.test(path))
    throw new EngineError(`path "${path}" has characters a server config cannot hold safely`);
  return path;
}

/** nginx: a double-quoted string (no variables are expanded in these directives). */
export const nginxPath = (p: string): string => `"${checkedPath(p)}"`;
/** Apache httpd: a double-quoted argument. */
export const apachePath = (p: string): string => `"${checkedPath(p)}"`;
/** HAProxy: single quotes, where (unlike double quotes) `$VAR` is not expanded. */
export const haproxyPath = (p: string): string => `'${checkedPath(p)}'`;
/** stunnel has no quoting (a value runs to the end of the line): the checked path as is. */
export const stunnelPath = (p: string): string => checkedPath(p);
