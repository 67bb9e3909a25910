import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectory } from "../../../harness/roots/load-directory.ts";
import { loadPem } from "../../../harness/roots/load-pem.ts";
import { APPLE_COUNTS, CURL_COUNTS, dataPath, snapshots } from "./data.ts";

describe("PEM bundles and directories", () => {
  it.each(snapshots("curl"))("curl %s: count matches SOURCES.md", (dir) => {
    const store = loadPem({ kind: "pem", path: dataPath("curl", dir, "cacert.pem") });
    expect(store.count).toBe(CURL_COUNTS[dir]);
    expect(store.meta.duplicates).toEqual([]);
  });

  it.each(snapshots("apple"))(
    "apple %s: roots.pem has one certificate per upstream file (SOURCES.md), and the same as a mixed PEM/DER directory",
    (dir) => {
      const text = readFileSync(dataPath("apple", dir, "roots.pem"), "latin1");
      const fromPem = loadPem({ kind: "pem", path: dataPath("apple", dir, "roots.pem") });
      expect(fromPem.count).toBe(APPLE_COUNTS[dir]);
      expect(fromPem.meta.duplicates).toEqual([]);
      expect(text.match(/^# SHA1 [0-9A-F]{40}$/gm)).toHaveLength(APPLE_COUNTS[dir]!);
      // Upstream is a folder of files, some DER, some PEM: the directory loader reads that shape.
      const folder = mkdtempSync(join(tmpdir(), "rootload-apple-"));
      fromPem.entries.forEach((e, i) => {
        writeFileSync(join(folder, `${i}.${i % 2 ? "cer" : "pem"}`), i % 2 ? e.certDer : e.toPem());
      });
      const fromDir = loadDirectory({ kind: "directory", path: folder });
      expect(new Set(fromDir.entries.map((e) => e.sha256))).toEqual(
        new Set(fromPem.entries.map((e) => e.sha256)),
      );
      rmSync(folder, { recursive: true, force: true });
    },
  );

  it("drops duplicates and lists them", () => {
    const tmp = mkdtempSync(join(tmpdir(), "rootload-pem-"));
    const src = readFileSync(dataPath("curl", "2025-07-15", "cacert.pem"), "latin1");
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
    const store = loadPem({ kind: "pem", path: dataPath("curl", "2025-07-15", "cacert.pem") });
    const tmp = join(mkdtempSync(join(tmpdir(), "rootload-rt-")), "out.pem");
    writeFileSync(tmp, store.toPem());
    const back = loadPem({ kind: "pem", path: tmp });
    expect(back.entries.map((e) => e.sha256)).toEqual(store.entries.map((e) => e.sha256));
  });
});
