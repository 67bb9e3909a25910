import { existsSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { describe, expect, it } from "vitest";
import { loadRoots, specFromPath } from "../../../harness/roots/load.ts";
import { loadBuiltin, loadSystem } from "../../../harness/roots/load-builtin.ts";
import { skipHere } from "../../support/require-here.ts";
import { dataPath } from "./data.ts";

describe("built-in and system stores", () => {
  it("loads Node's tls.rootCertificates", () => {
    const store = loadBuiltin();
    expect(store.kind).toBe("builtin");
    expect(store.count).toBe(rootCertificates.length);
    expect(store.caListBytes).toBe(store.entries.reduce((n, e) => n + 2 + e.subjectDer.length, 0));
  });

  const bundle = "/etc/ssl/certs/ca-certificates.crt";
  it.skipIf(skipHere("the system CA bundle", existsSync(bundle) ? undefined : `${bundle} not found`))(
    "loads the system bundle",
    () => {
      const store = loadSystem();
      expect(store.kind).toBe("system");
      expect(store.count).toBeGreaterThan(50);
    },
  );

  it("guesses the kind from a path or keyword", () => {
    expect(specFromPath("builtin")).toEqual({ kind: "builtin" });
    expect(specFromPath("system")).toEqual({ kind: "system" });
    expect(specFromPath("synthetic:10:3")).toEqual({ kind: "synthetic", count: 10, seed: 3 });
    expect(
      specFromPath(dataPath("microsoft", "2025-06-16", "authroot.stl"), { purpose: "serverAuth" }),
    ).toEqual({
      kind: "ctl",
      path: dataPath("microsoft", "2025-06-16", "authroot.stl"),
      purpose: "serverAuth",
    });
    expect(specFromPath(dataPath("microsoft", "2025-06-16", "authrootstl.cab")).kind).toBe("ctl");
    expect(specFromPath(dataPath("mozilla", "2025-06-19", "certdata.txt")).kind).toBe("certdata");
    expect(specFromPath(dataPath("curl", "2025-07-15", "cacert.pem")).kind).toBe("pem");
    expect(specFromPath(dataPath("microsoft", "certs")).kind).toBe("directory");
    expect(specFromPath(dataPath("microsoft", "2025-06-16"))).toEqual({
      kind: "ctl",
      path: dataPath("microsoft", "2025-06-16", "authroot.stl"),
    });
    expect(specFromPath(dataPath("mozilla", "2025-06-19")).kind).toBe("certdata");
    // The Microsoft certificate pool: every certificate of the 13 CTLs once, DER.
    expect(loadRoots(specFromPath(dataPath("microsoft", "certs"))).count).toBe(664);
  });
});
