import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadCertdata } from "../../harness/roots/load-certdata.ts";
import { readCtl } from "../../harness/roots/load-ctl.ts";
import { RootEntry } from "../../harness/roots/root-store.ts";
import { rootstores } from "./repo-root.ts";

export { repoRoot, rootstores } from "./repo-root.ts";

function pemToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g))
    out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s/g, ""), "base64")));
  return out;
}

/**
 * The Microsoft 2025-06-16 CTL certificates (514), in file-name order, as RootEntries; entries with
 * a subject already seen are dropped, since servers de-duplicate names (SSL_load_client_CA_file).
 */
export function microsoftRoots(): RootEntry[] {
  const dir = path.join(rootstores, "microsoft/certs");
  const listed = new Set(
    readCtl(path.join(rootstores, "microsoft/2025-06-16/authroot.stl")).subjects.map(
      (s) => `${s.sha1.toUpperCase()}.crt`,
    ),
  );
  const seen = new Set<string>();
  const out: RootEntry[] = [];
  for (const f of readdirSync(dir)
    .filter((f) => listed.has(f))
    .sort()) {
    const raw = readFileSync(path.join(dir, f));
    const ders = raw.includes("-----BEGIN") ? pemToDer(raw.toString("latin1")) : [new Uint8Array(raw)];
    for (const der of ders) {
      const e = new RootEntry(der, { origin: f });
      const key = Buffer.from(e.subjectDer).toString("hex");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
    }
  }
  return out;
}

/** A Mozilla snapshot's server-auth roots, in certdata.txt order, de-duplicated by subject. */
export function mozillaRoots(snapshot = "2026-04-16"): RootEntry[] {
  const store = loadCertdata({
    kind: "certdata",
    path: path.join(rootstores, "mozilla", snapshot, "certdata.txt"),
  });
  const seen = new Set<string>();
  const out: RootEntry[] = [];
  for (const der of store.entries.map((e) => e.certDer)) {
    const e = new RootEntry(der, { origin: `mozilla/${snapshot}` });
    const key = Buffer.from(e.subjectDer).toString("hex");
    if (!seen.has(key)) {
      seen.add(key);
      out.push(e);
    }
  }
  return out;
}
