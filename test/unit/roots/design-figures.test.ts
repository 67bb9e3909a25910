import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fitsIn } from "../../../harness/roots/fits-in.ts";
import { growthSeries } from "../../../harness/roots/growth.ts";
import { loadSystem } from "../../../harness/roots/load-builtin.ts";
import { loadCertdata } from "../../../harness/roots/load-certdata.ts";
import { loadCtl } from "../../../harness/roots/load-ctl.ts";
import { skipHere } from "../../support/require-here.ts";
import { dataPath, snapshots } from "./data.ts";

/** The "Real root lists" paragraph of docs/domain.md. */
describe("docs/domain.md figures", () => {
  it("Microsoft CTL 2025-06: 514 roots, 56,306 B; 219 fit in 16 KB and 172 in 0x3000 (subject order)", () => {
    const store = loadCtl({
      kind: "ctl",
      path: dataPath("microsoft", "2025-06-16", "authroot.stl"),
      includeDisabled: true,
    });
    expect(store.count).toBe(514);
    expect(store.caListBytes).toBe(56_306);
    // The 219/172 figures hold for the list sorted by DER subject (as Schannel's store
    // enumeration, Apache and HAProxy send it) and equally for smallest-first; in CTL order only
    // 153 and 118 fit.
    const [kb16, x3000] = growthSeries(store, { by: "bytes", targets: [16_384, 0x3000], order: "subject" });
    expect(kb16!.store.count).toBe(219);
    expect(x3000!.store.count).toBe(172);
    expect(fitsIn(store, 16_384)).toBe(153);
    expect(fitsIn(store, 0x3000)).toBe(118);
    expect(fitsIn(store, 16_384, "subject")).toBe(219);
    expect(fitsIn(store, 0x3000, "subject")).toBe(172);
    // ~9 KB from OpenSSL's 65,535 B failure point.
    expect(65_535 - store.caListBytes).toBe(9_229);
  });

  // "Mozilla 2023 — 144 roots, 14,840 B" is Debian 12's ca-certificates 20230311 bundle (the
  // system store of the measuring host), not one of the certdata.txt snapshots: the closest,
  // mozilla/2022-11-10, has 143 roots / 15,013 B; mozilla/2013-02-14 has 144 roots but 17,087 B.
  it("no certdata.txt snapshot is the 144-root / 14,840 B list", () => {
    const figures = snapshots("mozilla").map((d) => {
      const s = loadCertdata({ kind: "certdata", path: dataPath("mozilla", d, "certdata.txt") });
      return [d, s.count, s.caListBytes];
    });
    expect(figures).toContainEqual(["2013-02-14", 144, 17_087]);
    expect(figures).toContainEqual(["2022-11-10", 143, 15_013]);
    expect(figures.filter(([, n, b]) => n === 144 && b === 14_840)).toEqual([]);
  });

  it.skipIf(
    skipHere(
      "Debian's ca-certificates",
      existsSync("/usr/share/doc/ca-certificates") && existsSync("/etc/ssl/certs/ca-certificates.crt")
        ? undefined
        : "/usr/share/doc/ca-certificates or /etc/ssl/certs/ca-certificates.crt not found",
    ),
  )("the Debian 12 system bundle (ca-certificates 20230311) is the 144-root / 14,840 B list", (ctx) => {
    const store = loadSystem();
    // Another ca-certificates release has other figures: said, not passed in silence.
    if (store.count !== 144)
      ctx.skip(`system bundle has ${store.count} roots, not ca-certificates 20230311's 144`);
    expect(store.caListBytes).toBe(14_840);
  });
});
