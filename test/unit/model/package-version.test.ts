import { describe, expect, it } from "vitest";
import {
  compareVersions,
  javaVersionFromBanner,
  upstreamVersion,
  versionInRange,
} from "../../../harness/model/package-version.ts";

describe("package versions as limits are keyed by them", () => {
  it.each([
    ["17.0.15+6-1~deb12u1", "17.0.15"],
    ["17.0.21.1+2-1~deb12u1", "17.0.21.1"],
    ["3.0.19-1~deb12u2", "3.0.19"],
    ["3:5.68-2+deb12u1", "5.68"],
    ["2:1.19~1", "1.19"],
    ["v20.20.2", "20.20.2"],
    ["20.20.2-1nodesource1+repack1", "20.20.2"],
  ])("upstream of %s is %s", (debian, upstream) => {
    expect(upstreamVersion(debian)).toBe(upstream);
  });

  it("compares number by number, not as text", () => {
    expect(compareVersions("17.0.9", "17.0.15")).toBe(-1);
    expect(compareVersions("17.0.21", "17.0.21.1")).toBe(-1);
    expect(compareVersions("17.0.15+6-1~deb12u1", "17.0.15")).toBe(0);
    expect(compareVersions("3.0.22", "3.0.19")).toBe(1);
  });

  it("ranges are inclusive at both ends", () => {
    expect(versionInRange("17.0.15", "17.0.15", "17.0.21.1")).toBe(true);
    expect(versionInRange("17.0.21.1+2-1~deb12u1", "17.0.15", "17.0.21.1")).toBe(true);
    expect(versionInRange("17.0.17", "17.0.15", "17.0.15")).toBe(false);
    expect(versionInRange("21.0.5", "17.0.15", "17.0.21.1")).toBe(false);
  });

  it("reads java -version's banner (stderr)", () => {
    const banner = `openjdk version "17.0.15" 2025-04-15
OpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)`;
    expect(javaVersionFromBanner(banner)).toBe("17.0.15");
    expect(javaVersionFromBanner("bash: java: command not found")).toBeUndefined();
  });
});
