import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expandInclude, globRegExp, isPattern } from "../../../harness/config/include.ts";
import { InputError } from "../../../harness/errors.ts";

describe("expandInclude: one set of include rules for check and templates", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "rootload-include-"));
    mkdirSync(path.join(dir, "conf.d"));
    mkdirSync(path.join(dir, "conf.d", "sub.conf"));
    for (const f of ["b.conf", "a.conf", "B.conf", ".hidden.conf", "x.txt", "c1.conf", "c2.conf"])
      writeFileSync(path.join(dir, "conf.d", f), "");
  });
  const names = (files: string[]) => files.map((f) => path.basename(f));

  it("a wildcard matches regular files in byte order and never a leading dot (glob(3), APR_FNM_PERIOD)", () => {
    expect(names(expandInclude(path.join(dir, "conf.d/*.conf"), "where"))).toEqual([
      "B.conf",
      "a.conf",
      "b.conf",
      "c1.conf",
      "c2.conf",
    ]);
    expect(names(expandInclude(path.join(dir, "conf.d/.*.conf"), "where"))).toEqual([".hidden.conf"]);
  });

  it("? and [...] classes, negated with ! or ^", () => {
    expect(names(expandInclude(path.join(dir, "conf.d/c?.conf"), "w"))).toEqual(["c1.conf", "c2.conf"]);
    expect(names(expandInclude(path.join(dir, "conf.d/c[2-9].conf"), "w"))).toEqual(["c2.conf"]);
    expect(names(expandInclude(path.join(dir, "conf.d/c[!2].conf"), "w"))).toEqual(["c1.conf"]);
    expect(globRegExp("[^a]*").test("b")).toBe(true);
    expect(globRegExp("[^a]*").test("a")).toBe(false);
  });

  it("a directory is its regular files, dot-files included, only where the server reads directories", () => {
    expect(names(expandInclude(path.join(dir, "conf.d"), "w", { directories: true }))).toEqual([
      ".hidden.conf",
      "B.conf",
      "a.conf",
      "b.conf",
      "c1.conf",
      "c2.conf",
      "x.txt",
    ]);
    expect(() => expandInclude(path.join(dir, "conf.d"), "nginx.conf:3")).toThrow(
      new InputError("nginx.conf:3", `include ${path.join(dir, "conf.d")}: is a directory`),
    );
  });

  it("a plain name must exist unless optional; a pattern that matches nothing is no error", () => {
    const missing = path.join(dir, "nothere.conf");
    expect(() => expandInclude(missing, "apache.conf:7")).toThrow(
      new InputError("apache.conf:7", `include ${missing}: no such file`),
    );
    expect(expandInclude(missing, "w", { optional: true })).toEqual([]);
    expect(expandInclude(path.join(dir, "conf.d/*.none"), "w")).toEqual([]);
    expect(() => expandInclude(path.join(dir, "nodir/*.conf"), "w")).toThrow(/no such directory/);
    expect(expandInclude(path.join(dir, "nodir/*.conf"), "w", { optional: true })).toEqual([]);
  });

  it("isPattern looks at the last component only", () => {
    expect(isPattern("/etc/*/x.conf")).toBe(false);
    expect(isPattern("/etc/x/[ab].conf")).toBe(true);
  });
});
