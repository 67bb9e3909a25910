import { describe, expect, it } from "vitest";
import { junitReport } from "../../../harness/report/junit.ts";
import { fixtureRun } from "./fixtures.ts";
import { findAll, parseXml } from "./xml-parse.ts";

describe("junitReport", async () => {
  const run = await fixtureRun("baseline");
  const xml = junitReport(run);
  const root = parseXml(xml);

  it("is well-formed, with one testcase per case and the right totals", () => {
    expect(root.name).toBe("testsuites");
    expect(root.attrs).toMatchObject({ tests: "81", failures: "10", errors: "0" });
    const cases = findAll(root, "testcase");
    expect(cases).toHaveLength(81);
    const suites = findAll(root, "testsuite");
    expect(suites.map((s) => s.attrs.name)).toContain("nginx/1.2/schannel-2003");
    expect(suites.reduce((n, s) => n + Number(s.attrs.tests), 0)).toBe(81);
    expect(suites.reduce((n, s) => n + Number(s.attrs.failures), 0)).toBe(10);
  });

  it("uses server/tls/policy as classname and fails exactly the cases whose expectations failed", () => {
    const failed = findAll(root, "testcase").filter((c) => c.children.some((k) => k.name === "failure"));
    expect(failed.map((c) => c.attrs.classname).sort()).toEqual([
      ...Array(2).fill("gnutls/1.2/all"),
      ...Array(8).fill("nginx/1.2/schannel-2003"),
    ]);
    const one = failed.find((c) => c.attrs.name === "144 roots · forge")!;
    const failure = one.children.find((k) => k.name === "failure")!;
    expect(failure.attrs.message).toMatch(/^client issuer advertised: client issuer at position 143 of 144/);
    expect(failure.text).toMatch(/outcome: issuer-not-advertised/);
  });

  it("carries outcome and byte figures as properties", () => {
    const c = findAll(root, "testcase").find(
      (k) => k.attrs.classname === "nginx/1.3/all" && k.attrs.name === "512 roots · node",
    )!;
    const props = Object.fromEntries(findAll(c, "property").map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({
      outcome: "ok",
      configuredCount: "512",
      configuredBytes: "65481",
      advertisedBytes: "65481",
      clientIssuerAdvertised: "true",
    });
    expect(Number(props.p50Ms)).toBeGreaterThan(0);
    const bad = findAll(root, "testcase").find(
      (k) => k.attrs.classname === "nginx/1.3/all" && k.attrs.name === "600 roots · node",
    )!;
    const badProps = Object.fromEntries(findAll(bad, "property").map((p) => [p.attrs.name, p.attrs.value]));
    expect(badProps).toMatchObject({
      outcome: "server-alert",
      alert: "internal_error",
      configuredBytes: "76745",
    });
    expect(badProps.advertisedBytes).toBeUndefined();
  });

  it("escapes markup and drops characters XML cannot carry", () => {
    const c = structuredClone(run.cases[0]!);
    c.expectations = [{ expect: 'quote " & <tag>', pass: false, message: "bell \u0007 and 'apos' & ]]>" }];
    c.serverLogTail = "line1\u0000\u001b[31m <b>&amp;</b>\nline2";
    c.step.label = 'a<b>&"c"';
    const doc = parseXml(junitReport({ manifest: run.manifest, cases: [c] }));
    const tc = findAll(doc, "testcase")[0]!;
    expect(tc.attrs.name).toBe('a<b>&"c" · node');
    const failure = findAll(tc, "failure")[0]!;
    expect(failure.attrs.message).toBe("quote \" & <tag>: bell \uFFFD and 'apos' & ]]>");
    expect(findAll(tc, "system-out")[0]!.text).toBe("line1\uFFFD\uFFFD[31m <b>&amp;</b>\nline2");
    expect(doc.attrs).toMatchObject({ tests: "1", failures: "1" });
  });

  it("reports a dead server as an error, not a failure", () => {
    const c = structuredClone(run.cases[0]!);
    c.outcome = { class: "server-error", detail: "nginx exited with code 1" };
    const doc = parseXml(junitReport({ manifest: run.manifest, cases: [c] }));
    expect(doc.attrs).toMatchObject({ tests: "1", failures: "0", errors: "1" });
    expect(findAll(doc, "error")[0]!.attrs.message).toBe("nginx exited with code 1");
  });
});
