import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CtlSubject } from "../../../harness/roots/ctl.ts";
import { ctlVerdict, loadCtl, readCtl } from "../../../harness/roots/load-ctl.ts";
import type { RootStore } from "../../../harness/roots/root-store.ts";
import { dataPath, MICROSOFT_COUNTS, MICROSOFT_HEADERS, repoRoot, snapshots } from "./data.ts";

const EKU_NAMES: Record<string, string> = {
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: "1.3.6.1.5.5.7.3.9",
};
const ekuList = (s: string) => (s === "" ? [] : s.split(",").map((n) => EKU_NAMES[n] ?? n));

/**
 * The CTL decoded field by field by a separate tool when the snapshots were collected (DERIVED data,
 * test/fixtures/ctl-entries/<date>.tsv): an oracle only, never an input.
 */
function tsv(dir: string): string[][] {
  return readFileSync(path.join(repoRoot, "test/fixtures/ctl-entries", `${dir}.tsv`), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

const dirs = snapshots("microsoft");

describe("Microsoft CTL snapshots", () => {
  it("has all 13 snapshots", () => {
    expect(dirs).toEqual(Object.keys(MICROSOFT_COUNTS));
  });

  describe.each(dirs)("%s", (dir) => {
    const stl = dataPath("microsoft", dir, "authroot.stl");
    const cab = dataPath("microsoft", dir, "authrootstl.cab");
    const [entries, serverAuth, serverAuthActive, disabled] = MICROSOFT_COUNTS[dir]!;
    let whole: RootStore;

    it("decodes every entry field by field like ctl_entries.tsv, with a valid signature", () => {
      const ctl = readCtl(stl);
      expect(ctl.signature).toBe("valid");
      expect(ctl.signer).toContain("CN=Microsoft Certificate Trust List Publisher");
      expect(ctl.subjectUsage).toEqual(["1.3.6.1.4.1.311.10.3.9"]);
      const [thisUpdate, seq] = MICROSOFT_HEADERS[dir]!;
      expect(ctl.thisUpdate).toBe(thisUpdate.replace("Z", ".000Z"));
      expect(ctl.sequenceNumber).toBe(seq);
      expect(ctl.subjects).toHaveLength(entries);

      whole = loadCtl({ kind: "ctl", path: stl, includeDisabled: true });
      expect(whole.count).toBe(entries);
      expect(whole.meta.missingCerts).toEqual([]);
      const rows = tsv(dir);
      expect(rows).toHaveLength(entries);
      let subjectsCompared = 0;
      rows.forEach((r, i) => {
        const s = ctl.subjects[i]!;
        const e = whole.entries[i]!;
        const where = `${dir} row ${i} ${r[0]}`;
        expect(s.sha1.toUpperCase(), where).toBe(r[0]);
        expect(e.sha1.toUpperCase(), where).toBe(r[0]);
        expect(e.sha256.toUpperCase(), where).toBe(r[1]);
        if (s.sha256) expect(s.sha256.toUpperCase(), where).toBe(r[1]);
        expect(s.friendlyName ?? "", where).toBe(r[2]);
        expect(s.ekus ?? [], where).toEqual(ekuList(r[3]!));
        expect(s.disallowedSince?.slice(0, 10) ?? "", where).toBe(r[4]);
        expect(s.notBefore?.slice(0, 10) ?? "", where).toBe(r[5]);
        expect(s.disallowedEkus ?? [], where).toEqual(ekuList(r[6]!));
        expect(s.evPolicies ? "EV" : "", where).toBe(r[7]);
        expect(s.subjectNameMd5, where).toMatch(/^[0-9a-f]{32}$/);
        expect(s.otherAttributes, where).toBeUndefined();
        // The TSV uses OpenSSL's RFC 2253 flavour (UTF-8 as \XX, emailAddress=...): compare the
        // subjects both spell the same way, i.e. only standard short names and no hex escapes.
        const plain =
          !/\\[0-9A-F]{2}|(^|[,+])(emailAddress|serialNumber|street|postalCode|organizationIdentifier|mail|[a-zA-Z]+Name)=/.test(
            r[8]!,
          );
        if (plain) {
          expect(e.subject, where).toBe(r[8]);
          subjectsCompared++;
        }
      });
      expect(subjectsCompared).toBeGreaterThan(entries * 0.8);
    });

    it("counts serverAuth, serverAuth & not disabled, disabled as SOURCES.md", () => {
      const ctl = readCtl(stl);
      const count = (f: (s: CtlSubject) => boolean) => ctl.subjects.filter(f).length;
      expect(count((s) => ctlVerdict(s, "serverAuth", undefined, true).keep)).toBe(serverAuth);
      expect(count((s) => ctlVerdict(s, "serverAuth").keep)).toBe(serverAuthActive);
      expect(count((s) => s.disallowedSince !== undefined)).toBe(disabled);
      expect(loadCtl({ kind: "ctl", path: stl, purpose: "serverAuth" }).count).toBe(serverAuthActive);
      expect(loadCtl({ kind: "ctl", path: stl, purpose: "serverAuth", includeDisabled: true }).count).toBe(
        serverAuth,
      );
    });

    it(".cab and .stl give identical stores", () => {
      const fromCab = loadCtl({ kind: "ctl", path: cab, includeDisabled: true });
      expect(fromCab.entries.map((e) => e.sha256)).toEqual(whole.entries.map((e) => e.sha256));
      expect(fromCab.caListBytes).toBe(whole.caListBytes);
      expect(fromCab.meta.thisUpdate).toBe(whole.meta.thisUpdate);
      expect(fromCab.meta.signature).toBe("valid");
      expect(readCtl(cab)).toEqual(readCtl(stl));
    });
  });
});

describe("CTL filters", () => {
  const stl = dataPath("microsoft", "2025-06-16", "authroot.stl");

  it("applies disallowed dates only from their date on when asOf is given", () => {
    const ctl = readCtl(stl);
    const before = ctl.subjects.filter((s) => ctlVerdict(s, "any", new Date("2012-01-01")).keep).length;
    const after = ctl.subjects.filter((s) => ctlVerdict(s, "any", new Date("2025-06-16")).keep).length;
    const noDate = ctl.subjects.filter((s) => ctlVerdict(s, "any").keep).length;
    expect(noDate).toBe(514 - 170);
    // In 2012 none of the disallowed dates had passed, but none of NotBefore either.
    expect(before).toBeGreaterThan(after);
    expect(after).toBeLessThanOrEqual(noDate);
  });

  it("treats NotBefore as in force from its date, per EKU when prop 127 lists EKUs", () => {
    const s: CtlSubject = {
      sha1: "00".repeat(20),
      ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.4"],
      notBefore: "2020-01-01T00:00:00.000Z",
      notBeforeEkus: ["1.3.6.1.5.5.7.3.4"],
    };
    expect(ctlVerdict(s, "serverAuth", new Date("2024-01-01")).keep).toBe(true);
    expect(ctlVerdict(s, "any", new Date("2024-01-01")).keep).toBe(true);
    expect(ctlVerdict(s, "any", new Date("2024-01-01"), true)).toEqual({ keep: true, disabled: false });
    expect(ctlVerdict({ ...s, notBeforeEkus: undefined }, "any", new Date("2024-01-01")).keep).toBe(false);
    expect(ctlVerdict({ ...s, notBeforeEkus: undefined }, "serverAuth", new Date("2024-01-01")).keep).toBe(
      false,
    );
    expect(ctlVerdict({ ...s, notBeforeEkus: undefined }, "serverAuth", new Date("2019-01-01")).keep).toBe(
      true,
    );
    expect(ctlVerdict({ ...s, notBeforeEkus: undefined }, "serverAuth").keep).toBe(true);
  });

  it("excludes entries without an EKU property from serverAuth/clientAuth, keeps them for any", () => {
    const s: CtlSubject = { sha1: "00".repeat(20) };
    expect(ctlVerdict(s, "serverAuth")).toEqual({ keep: false, reason: "purpose" });
    expect(ctlVerdict(s, "clientAuth")).toEqual({ keep: false, reason: "purpose" });
    expect(ctlVerdict(s, "any")).toEqual({ keep: true, disabled: false });
  });

  it("reports missing certificates when the certs directory lacks them", () => {
    // Only the certificates of the 2012 CTL: many of 2025's roots are not among them.
    const dir = mkdtempSync(path.join(tmpdir(), "rootload-certs-"));
    try {
      const pool = dataPath("microsoft", "certs");
      const names = new Set(readdirSync(pool));
      for (const s of readCtl(dataPath("microsoft", "2012-11-02", "authroot.stl")).subjects) {
        const name = `${s.sha1.toUpperCase()}.crt`;
        if (names.has(name)) copyFileSync(path.join(pool, name), path.join(dir, name));
      }
      const store = loadCtl({ kind: "ctl", path: stl, certs: dir });
      expect(store.meta.missingCerts!.length).toBeGreaterThan(0);
      expect(store.count + store.meta.missingCerts!.length).toBe(344);
      expect(store.meta.missingCerts!.every((h) => /^[0-9a-f]{40}$/.test(h))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
