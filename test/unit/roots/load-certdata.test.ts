import { describe, expect, it } from "vitest";
import { loadCertdata, parseCertdata } from "../../../harness/roots/load-certdata.ts";
import { loadPem } from "../../../harness/roots/load-pem.ts";
import { dataPath, MOZILLA_COUNTS, snapshots } from "./data.ts";

describe("Mozilla certdata.txt snapshots", () => {
  it("has all 10 snapshots", () => {
    expect(snapshots("mozilla")).toEqual(Object.keys(MOZILLA_COUNTS));
  });

  it.each(snapshots("mozilla"))("%s: serverAuth roots match SOURCES.md", (dir) => {
    const [certs, trust, serverAuth] = MOZILLA_COUNTS[dir]!;
    const store = loadCertdata({ kind: "certdata", path: dataPath("mozilla", dir, "certdata.txt") });
    expect(store.meta.certificates).toBe(certs);
    expect(store.meta.trustObjects).toBe(trust);
    expect(store.count).toBe(serverAuth);
    expect(store.entries.every((e) => e.info.ekus?.includes("1.3.6.1.5.5.7.3.1"))).toBe(true);
    const all = loadCertdata({
      kind: "certdata",
      path: dataPath("mozilla", dir, "certdata.txt"),
      purpose: "any",
    });
    expect(all.count).toBe(certs);
  });

  // curl's mk-ca-bundle is another implementation of the same selection: its bundle of the
  // nearest date holds exactly the same roots (SOURCES.md).
  it.each([
    ["2014-03-14", "2014-04-22", 153],
    ["2016-01-29", "2016-01-22", 151],
    ["2020-09-18", "2020-10-15", 138],
  ])("mozilla %s selects the same server-auth roots as curl's bundle of %s (%i)", (moz, curl, n) => {
    const store = loadCertdata({ kind: "certdata", path: dataPath("mozilla", moz, "certdata.txt") });
    const bundle = loadPem({ kind: "pem", path: dataPath("curl", curl, "cacert.pem") });
    expect(store.count).toBe(n);
    expect(new Set(store.entries.map((e) => e.sha256))).toEqual(new Set(bundle.entries.map((e) => e.sha256)));
  });

  it("records CKA_NSS_SERVER_DISTRUST_AFTER without dropping the root", () => {
    const store = loadCertdata({ kind: "certdata", path: dataPath("mozilla", "2025-06-19", "certdata.txt") });
    const distrusted = store.entries.filter((e) => typeof e.info.serverDistrustAfter === "string");
    expect(distrusted.length).toBeGreaterThan(0);
    for (const e of distrusted) expect(e.info.serverDistrustAfter).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("decodes MULTILINE_OCTAL values", () => {
    const text =
      'BEGINDATA\nCKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\nCKA_LABEL UTF8 "x"\nCKA_VALUE MULTILINE_OCTAL\n\\060\\003\n\\002\\001\\377\nEND\n';
    const [o] = parseCertdata(text);
    expect(Array.from(o!.attrs.get("CKA_VALUE")!.bytes!)).toEqual([0x30, 3, 2, 1, 0xff]);
    expect(o!.attrs.get("CKA_LABEL")!.value).toBe("x");
    expect(() =>
      parseCertdata(
        "BEGINDATA\nCKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\nCKA_VALUE MULTILINE_OCTAL\n\\060\n",
      ),
    ).toThrow(/no END/);
    expect(() =>
      parseCertdata(
        "BEGINDATA\nCKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\nCKA_VALUE MULTILINE_OCTAL\n\\060\\9\nEND\n",
      ),
    ).toThrow(/bad octal/);
    expect(() => parseCertdata("CKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\n")).toThrow(/BEGINDATA/);
  });
});
