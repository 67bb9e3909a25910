import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectory } from "../../../harness/roots/load-directory.ts";
import { loadPem } from "../../../harness/roots/load-pem.ts";
import { APPLE_COUNTS, CURL_COUNTS, dataPath, snapshots } from "./data.ts";

describe("PEM bundles and directories", () => {
  it.each(snapshots("curl-cacert"))("curl %s: count matches SOURCES.md", (dir) => {
    const store = loadPem({ kind: "pem", path: dataPath("curl-cacert", dir, "ca-bundle.crt") });
    expect(store.count).toBe(CURL_COUNTS[dir]);
    expect(store.meta.duplicates).toEqual([]);
  });

  it.each(snapshots("apple"))(
    "apple %s: roots/ directory (mixed PEM/DER) = derived PEM = SOURCES.md",
    (dir) => {
      const fromDir = loadDirectory({ kind: "directory", path: dataPath("apple", dir, "roots") });
      const fromPem = loadPem({ kind: "pem", path: dataPath("apple", dir, "derived_roots.pem") });
      expect(fromDir.count).toBe(APPLE_COUNTS[dir]);
      expect(fromPem.count).toBe(APPLE_COUNTS[dir]);
      expect(new Set(fromDir.entries.map((e) => e.sha256))).toEqual(
        new Set(fromPem.entries.map((e) => e.sha256)),
      );
    },
  );

  it("drops duplicates and lists them", () => {
    const tmp = mkdtempSync(join(tmpdir(), "rootload-pem-"));
    const src = readFileSync(dataPath("curl-cacert", "2025-07-15", "ca-bundle.crt"), "latin1");
    const blocks = src.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)!;
    const file = join(tmp, "dup.pem");
    writeFileSync(file, blocks[0]! + blocks[1]! + blocks[0]! + blocks[2]!);
    const store = loadPem({ kind: "pem", path: file });
    expect(store.count).toBe(3);
    expect(store.meta.duplicates).toEqual([store.entries[0]!.sha1]);
    // The same certificate as PEM and as DER in a directory is one root.
    const dir = mkdtempSync(join(tmpdir(), "rootload-dir-"));
    writeFileSync(join(dir, "a.pem"), blocks[0]!);
    writeFileSync(join(dir, "b.der"), store.entries[0]!.certDer);
    writeFileSync(join(dir, ".hidden"), "not a cert");
    const d = loadDirectory({ kind: "directory", path: dir });
    expect(d.count).toBe(1);
    expect(d.meta.duplicates).toHaveLength(1);
  });

  it("writes a bundle that loads back identically (toPem round trip)", () => {
    const store = loadPem({ kind: "pem", path: dataPath("curl-cacert", "2025-07-15", "ca-bundle.crt") });
    const tmp = join(mkdtempSync(join(tmpdir(), "rootload-rt-")), "out.pem");
    writeFileSync(tmp, store.toPem());
    const back = loadPem({ kind: "pem", path: tmp });
    expect(back.entries.map((e) => e.sha256)).toEqual(store.entries.map((e) => e.sha256));
  });
});
