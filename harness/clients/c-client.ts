import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { messageOf } from "../errors.ts";
import type { Availability, Runtime } from "../runtime/runtime.ts";
import { C_CLIENTS, type CClient, CLIENT_SOURCES, cClientBinary, sourceHash } from "./client-builds.ts";

/** Image label carrying the source hash of a C client copied into the image (`rootload-mbedtls-client`). */
export function cClientLabel(name: CClient): string {
  return `rootload-${name}-client`;
}

/**
 * Whether a C client can run: in the image, when the image carries this source's build (its label);
 * on the host, when cc and the library's -dev package are here and the build succeeds (once per
 * source hash).
 */
export async function cClientAvailability(name: CClient, rt: Runtime): Promise<Availability> {
  if (rt.kind === "container") {
    const label = cClientLabel(name);
    const want = sourceHash(CLIENT_SOURCES[name]);
    const have = (await rt.packageVersions([label]))[label];
    if (have !== want)
      return {
        ok: false,
        reason: `the image's ${name} client is ${have ?? "missing"}, the source is ${want}; rebuild: npm run images`,
      };
    return { ok: true };
  }
  const cc = await rt.hasBinary("cc", "gcc");
  if (!cc.ok) return { ok: false, reason: `${cc.reason} (Debian package gcc)` };
  const { header, devPackage } = C_CLIENTS[name];
  const dev = await access(header, constants.R_OK).then(
    () => undefined,
    () => `${header} is missing (Debian package ${devPackage})`,
  );
  if (dev) return { ok: false, reason: dev };
  try {
    await cClientBinary(name);
  } catch (err) {
    return { ok: false, reason: `building the ${name} client failed: ${messageOf(err).split("\n")[0]}` };
  }
  return { ok: true };
}
