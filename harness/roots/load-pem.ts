import { readCertificates } from "./cert-file.ts";
import { dedupe } from "./dedupe.ts";
import { parsing, readInputFile } from "./input.ts";
import { RootEntry, RootStore } from "./root-store.ts";

/** Load a PEM bundle (curl's cacert.pem, a derived PEM, /etc/ssl/certs/ca-certificates.crt), or one DER certificate. */
export interface PemSpec {
  kind: "pem";
  path: string;
}

/**
 * Load every certificate of a bundle, in file order. Duplicates (same SHA-256) are dropped and
 * listed in `meta.duplicates`.
 * @throws InputError naming the file for empty, truncated or non-certificate content
 */
export function loadPem(spec: PemSpec, kind: "pem" | "system" = "pem"): RootStore {
  const bytes = readInputFile(spec.path);
  const all = parsing(spec.path, () =>
    readCertificates(bytes).map((der, i) => {
      try {
        return new RootEntry(der, { origin: spec.path });
      } catch (err) {
        throw new Error(`certificate ${i + 1}: ${(err as Error).message}`);
      }
    }),
  );
  const { entries, duplicates } = dedupe(all);
  return new RootStore(spec.path, kind, entries, { duplicates });
}
