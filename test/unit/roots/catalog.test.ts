import { homedir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findSnapshot, isSourceName, listSnapshots, userDataDir } from "../../../harness/roots/catalog.ts";
import { loadRoots, specFromPath } from "../../../harness/roots/load.ts";
import { runCli } from "../../support/cli.ts";
import { APPLE_COUNTS, CURL_COUNTS, DATA, MICROSOFT_COUNTS, MOZILLA_COUNTS } from "./data.ts";

/** Every test runs with an empty user data folder, so only the shipped snapshots count. */
const NO_USER_DATA = { ROOTLOAD_DATA: path.join(DATA, "no-such-folder") };

describe("snapshot names", () => {
  it("lists every shipped snapshot, oldest first, from the repository's data/rootstores", () => {
    const all = listSnapshots().filter((s) => s.shipped);
    const dates = (p: string) => all.filter((s) => s.program === p).map((s) => s.date);
    expect(dates("microsoft")).toEqual(Object.keys(MICROSOFT_COUNTS));
    expect(dates("mozilla")).toEqual(Object.keys(MOZILLA_COUNTS));
    expect(dates("curl")).toEqual(Object.keys(CURL_COUNTS));
    expect(dates("apple")).toEqual(Object.keys(APPLE_COUNTS));
    expect(all.every((s) => s.root === DATA)).toBe(true);
  });

  it("resolves program:date and program:latest to the snapshot's file and loader", () => {
    expect(findSnapshot("microsoft:2025-06-16").file).toBe(
      path.join(DATA, "microsoft/2025-06-16/authrootstl.cab"),
    );
    expect(specFromPath("mozilla:2025-06-19")).toEqual({ kind: "certdata", path: "mozilla:2025-06-19" });
    expect(specFromPath("curl:2025-07-15")).toEqual({ kind: "pem", path: "curl:2025-07-15" });
    expect(specFromPath("microsoft:2025-06-16", { purpose: "serverAuth" })).toMatchObject({
      kind: "ctl",
      path: "microsoft:2025-06-16",
      purpose: "serverAuth",
    });
    // The CTL still goes through the cabinet, the CTL parser and the thumbprint checks.
    const ms = loadRoots({
      kind: "ctl",
      path: "microsoft:2025-06-16",
      purpose: "any",
      includeDisabled: true,
    });
    expect(ms).toMatchObject({
      source: "microsoft:2025-06-16",
      kind: "ctl",
      count: 514,
      caListBytes: 56_306,
    });
    expect(ms.meta).toMatchObject({ file: "authrootstl.cab", signature: "valid", missingCerts: [] });
    expect(loadRoots(specFromPath("mozilla:2025-06-19")).count).toBe(MOZILLA_COUNTS["2025-06-19"]![2]);
    expect(loadRoots(specFromPath("apple:2025-07-20")).count).toBe(APPLE_COUNTS["2025-07-20"]);
    expect(loadRoots(specFromPath("curl:2025-07-15")).count).toBe(CURL_COUNTS["2025-07-15"]);
  });

  it("refuses a name given with another kind, an unknown date and an unknown program, each in one line", () => {
    expect(() => loadRoots({ kind: "pem", path: "microsoft:2025-06-16" })).toThrow(
      /microsoft:2025-06-16: is a ctl snapshot; use kind "ctl", not "pem"/,
    );
    expect(() => findSnapshot("microsoft:2019-01-01")).toThrow(
      /^microsoft:2019-01-01: no such snapshot; microsoft has 2012-11-02, .*, 2025-06-16 \(rootload roots list/,
    );
    expect(() => findSnapshot("debian:latest")).toThrow(
      /unknown root program "debian"; one of microsoft, mozilla, curl, apple/,
    );
    expect(isSourceName("synthetic:100")).toBe(false);
    expect(isSourceName("./microsoft:2025-06-16")).toBe(false);
  });

  it("the user's data folder: $ROOTLOAD_DATA, else $XDG_DATA_HOME/rootload/rootstores, else ~/.local/share", () => {
    expect(userDataDir({ ROOTLOAD_DATA: "/srv/roots" })).toBe("/srv/roots");
    expect(userDataDir({ XDG_DATA_HOME: "/x" })).toBe("/x/rootload/rootstores");
    expect(userDataDir({})).toBe(path.join(homedir(), ".local/share/rootload/rootstores"));
  });
});

describe("names on the command line", () => {
  it("roots list: every snapshot with its counts; latest of each program; exit 0", async () => {
    const r = await runCli(["roots", "list"], 60_000, NO_USER_DATA);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^name +entries +roots +names +list bytes +where$/m);
    // A CTL whole, as roots inspect and check take it: 514 roots, 501 distinct names, 56,306 B.
    expect(r.stdout).toMatch(/^microsoft:2025-06-16 +514 +514 +501 +56306 +shipped$/m);
    expect(r.stdout).toMatch(/^mozilla:2025-06-19 +142 +142 +142 +14004 +shipped$/m);
    expect(r.stdout).toContain("microsoft:latest = microsoft:2025-06-16");
    expect(r.stdout.split("\n").filter((l) => / shipped$/.test(l))).toHaveLength(13 + 10 + 7 + 6);
  }, 60_000);

  it("check and roots inspect take names; an unknown one is one line and exit 2", async () => {
    const check = await runCli(["check", "microsoft:2025-06-16", "--json"], 60_000, NO_USER_DATA);
    expect(check.code, check.stderr).not.toBe(2);
    expect(JSON.parse(check.stdout)).toMatchObject({ source: "microsoft:2025-06-16" });
    for (const [args, pattern] of [
      [
        ["check", "microsoft:2001-01-01"],
        /^rootload check: microsoft:2001-01-01: no such snapshot; microsoft has 2012-11-02/,
      ],
      [
        ["roots", "inspect", "mozilla:1999-12-31"],
        /^rootload roots: mozilla:1999-12-31: no such snapshot; mozilla has 2013-02-14/,
      ],
      [["roots", "inspect", "netscape:latest"], /unknown root program "netscape"/],
    ] as const) {
      const r = await runCli([...args], 60_000, NO_USER_DATA);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  }, 60_000);
});
