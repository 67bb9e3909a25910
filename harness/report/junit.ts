import type { CaseResult } from "../model/case-result.ts";
import type { RunRecord } from "../model/run-manifest.ts";
import { outcomeDetail, outcomeText } from "./format.ts";
import { xmlAttr, xmlEscape } from "./xml.ts";

/** The JUnit classname of a case: server/tls/policy (CI tools group test cases by it). */
export function junitClassname(c: CaseResult): string {
  return `${c.server}/${c.tls}/${c.policy}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function property(name: string, value: string | number | boolean): string {
  return `<property name="${xmlAttr(name)}" value="${xmlAttr(String(value))}"/>`;
}

function caseProperties(c: CaseResult): string[] {
  const props: [string, string | number | boolean][] = [
    ["outcome", c.outcome.class],
    ["probeOutcome", c.probeOutcome.class],
  ];
  if (c.outcome.class === "server-alert") props.push(["alert", c.outcome.alert]);
  const detail = outcomeDetail(c.outcome);
  if (detail) props.push(["outcomeDetail", detail]);
  props.push(
    ["configuredCount", c.configured?.count ?? 0],
    ["configuredBytes", c.configured?.caListBytes ?? 0],
  );
  if (c.advertised)
    props.push(
      ["advertisedCount", c.advertised.count],
      ["advertisedBytes", c.advertised.bytes],
      ["messageBytes", c.advertised.messageBytes],
    );
  if (c.limitHeadroomBytes !== undefined) props.push(["limitHeadroomBytes", c.limitHeadroomBytes]);
  if (c.clientIssuerAdvertised !== null) props.push(["clientIssuerAdvertised", c.clientIssuerAdvertised]);
  if (c.latency) props.push(["p50Ms", c.latency.p50Ms], ["p99Ms", c.latency.p99Ms]);
  return props.map(([k, v]) => property(k, v));
}

function testcase(c: CaseResult): { xml: string; failed: boolean; errored: boolean } {
  const failures = (c.expectations ?? []).filter((e) => !e.pass);
  const errored = c.outcome.class === "server-error";
  const lines = [
    `    <testcase classname="${xmlAttr(junitClassname(c))}" name="${xmlAttr(`${c.step.label} · ${c.client}`)}" time="${seconds(c.durationMs)}">`,
    "      <properties>",
    ...caseProperties(c).map((p) => `        ${p}`),
    "      </properties>",
  ];
  if (failures.length > 0) {
    const message = failures.map((f) => `${f.expect}: ${f.message}`).join("; ");
    const body = [
      ...failures.map((f) => `expected ${f.expect}: ${f.message}`),
      `outcome: ${outcomeText(c.outcome)}${outcomeDetail(c.outcome) ? ` (${outcomeDetail(c.outcome)})` : ""}`,
      `case id: ${c.id}`,
    ].join("\n");
    lines.push(
      `      <failure type="expectation" message="${xmlAttr(message)}">${xmlEscape(body)}</failure>`,
    );
  }
  // A dead server is an infrastructure error, not a finding about the server's CA list.
  if (errored)
    lines.push(
      `      <error type="server-error" message="${xmlAttr(outcomeDetail(c.outcome) ?? "server error")}"/>`,
    );
  if (c.serverLogTail && (failures.length > 0 || errored))
    lines.push(`      <system-out>${xmlEscape(c.serverLogTail)}</system-out>`);
  lines.push("    </testcase>");
  return { xml: lines.join("\n"), failed: failures.length > 0, errored };
}

/** The run's identity, repeated in each suite because JUnit readers only look for properties there. */
function runProperties(run: RunRecord): string[] {
  const m = run.manifest;
  return [
    property("runId", m.runId),
    property("scenario", m.scenario.name),
    property("scenarioFile", m.scenario.file),
    property("scenarioHash", m.scenario.hash),
    property("runtime", m.runtime),
    property("node", m.node),
    property("openssl", m.openssl),
    property("plannedCases", m.plannedCases),
    ...(m.git ? [property("git", m.git)] : []),
    ...(m.shard ? [property("shard", `${m.shard.index}/${m.shard.count}`)] : []),
    // No case carries p50Ms/p99Ms in a functional-only run: say it was by choice.
    ...(m.latency === "not-measured" ? [property("latency", "not-measured")] : []),
    ...m.servers.flatMap((s) => Object.entries(s.versions).map(([k, v]) => property(`${s.driver}.${k}`, v))),
  ];
}

/**
 * The run as JUnit XML: one testsuite per server/tls/policy, one testcase per case, a
 * `<failure>` for each case with a failed expectation, an `<error>` for a server that died.
 */
export function junitReport(run: RunRecord): string {
  const m = run.manifest;
  const suites = new Map<string, CaseResult[]>();
  for (const c of run.cases) {
    const k = junitClassname(c);
    suites.set(k, [...(suites.get(k) ?? []), c]);
  }
  const runProps = runProperties(run);
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let totalMs = 0;
  const suiteXml: string[] = [];
  for (const [name, cases] of suites) {
    const rendered = cases.map(testcase);
    const f = rendered.filter((r) => r.failed).length;
    const e = rendered.filter((r) => r.errored).length;
    const ms = cases.reduce((a, c) => a + c.durationMs, 0);
    tests += cases.length;
    failures += f;
    errors += e;
    totalMs += ms;
    suiteXml.push(
      `  <testsuite name="${xmlAttr(name)}" tests="${cases.length}" failures="${f}" errors="${e}" skipped="0" time="${seconds(ms)}" timestamp="${xmlAttr(cases[0]!.startedAt)}">`,
      "    <properties>",
      ...runProps.map((p) => `      ${p}`),
      "    </properties>",
      ...rendered.map((r) => r.xml),
      "  </testsuite>",
    );
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xmlAttr(`rootload ${m.scenario.name}`)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(totalMs)}">`,
    ...suiteXml,
    "</testsuites>",
    "",
  ].join("\n");
}
