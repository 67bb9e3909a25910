import { InputError } from "../../errors.ts";

/**
 * Choose the endpoint to check among those that ask for client certificates: the one whose label
 * contains `wanted`, else the first; the others are listed in a note so the user can pick one.
 */
export function pickEndpoint<T extends { endpoint: string }>(
  found: readonly T[],
  wanted: string | undefined,
  file: string,
): { chosen: T; notes: string[] } {
  if (found.length === 0)
    throw new InputError(file, "no endpoint in this configuration asks for a client certificate");
  const chosen = wanted === undefined ? found[0] : found.find((e) => e.endpoint.includes(wanted));
  if (!chosen)
    throw new InputError(
      `rootload check --endpoint`,
      `"${wanted}" matches none of: ${found.map((e) => e.endpoint).join("; ")}`,
    );
  const others = found.filter((e) => e !== chosen).map((e) => e.endpoint);
  return {
    chosen,
    notes: others.length
      ? [
          `${others.length} more endpoint(s) ask for client certificates (--endpoint to pick): ${others.join("; ")}`,
        ]
      : [],
  };
}
