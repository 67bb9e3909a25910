import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { InputError } from "../errors.ts";
import { readCertificates } from "./cert-file.ts";
import { dedupe } from "./dedupe.ts";
import { loadPem } from "./load-pem.ts";
import { RootEntry, RootStore } from "./root-store.ts";

/** Node's compiled-in Mozilla roots (`tls.rootCertificates`). Needs no data files. */
export interface BuiltinSpec {
  kind: "builtin";
}
/** The OS bundle (Debian/Ubuntu path first, then other common locations). */
export interface SystemSpec {
  kind: "system";
  path?: string;
}

/** Where distributions keep their PEM bundle; the first that exists is used. */
export const SYSTEM_BUNDLES = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/cert.pem",
];

let builtinCache: RootStore | undefined;

/** node:tls on first use: loading it costs ~11 ms of every process (`rootload check` of a file needs none of it). */
const rootCertificates = (): readonly string[] =>
  (createRequire(import.meta.url)("node:tls") as typeof import("node:tls")).rootCertificates;

/** Node's built-in root store, in Node's order (parsed once per process). */
export function loadBuiltin(): RootStore {
  if (builtinCache) return builtinCache;
  const all = rootCertificates().flatMap((pem) =>
    readCertificates(Buffer.from(pem)).map((der) => new RootEntry(der, { origin: "node" })),
  );
  const { entries, duplicates } = dedupe(all);
  builtinCache = new RootStore("builtin", "builtin", entries, {
    duplicates,
    nodeVersion: process.versions.node,
  });
  return builtinCache;
}

/**
 * The system bundle.
 * @throws InputError when no bundle is found
 */
export function loadSystem(spec: SystemSpec = { kind: "system" }): RootStore {
  const path = spec.path ?? SYSTEM_BUNDLES.find((p) => existsSync(p));
  if (!path)
    throw new InputError("system", `no system CA bundle found (looked in ${SYSTEM_BUNDLES.join(", ")})`);
  return loadPem({ kind: "pem", path }, "system");
}
