import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import type { Boundary } from "../../../harness/report/boundaries.ts";
import { maxProbes } from "../../../harness/run/bisect.ts";
import { containerEngineReady } from "../../../harness/runtime/container-runtime.ts";
import { runCli } from "../../support/cli.ts";
import { CTL_2025_SOURCE } from "../../support/repo-root.ts";
import { requireHere } from "../../support/require-here.ts";

/**
 * roots.bisect against real servers and the real Java client: the boundary is searched, not
 * given, and must come out one name (and one byte) wide on TLS 1.2 and 1.3 and follow JSSE's rule
 * on the sizes measured on the wire — the CertificateRequest body (message − its 4-byte header)
 * over jdk.tls.maxHandshakeMessageSize is refused by the client, which names that body length
 * in its own error. Nothing here states where the boundary is.
 */
/** JSSE's default jdk.tls.maxHandshakeMessageSize (sun.security.ssl.SSLConfiguration), bytes. */
const JDK_MAX_HANDSHAKE_MESSAGE_BYTES = 32_768;
const HEADER_BYTES = 4;

async function run(args: string[], timeoutMs: number) {
  const out = await mkdtemp(path.join(tmpdir(), "rootload-bisect-"));
  // Boundaries are outcomes and sizes: no latency windows (a resumed run keeps that).
  const r = await runCli(["run", ...args, "--out", out, "--no-latency"], timeoutMs);
  const dir = path.join(out, readdirSync(out)[0] ?? "");
  return { r, dir, ...read(dir) };
}

function read(dir: string) {
  const text = (f: string) => readFileSync(path.join(dir, f), "utf8");
  const lines = text("cases.jsonl").trim().split("\n");
  return {
    lines,
    cases: lines.map((l) => JSON.parse(l) as CaseResult),
    text,
    boundaries: JSON.parse(text("report.json")).summary.boundaries as Boundary[],
  };
}

/** JSSE's rule on what the probe measured, for every case of the java client; and its own count. */
function expectJdkRule(cases: readonly CaseResult[]) {
  const java = cases.filter((c) => c.client === "java");
  expect(java.length).toBeGreaterThan(0);
  for (const c of java) {
    const body = c.advertised!.messageBytes - HEADER_BYTES;
    if (body <= JDK_MAX_HANDSHAKE_MESSAGE_BYTES) expect(c, c.id).toSucceed();
    else {
      expect(c, c.id).toFailWith("excessive-size");
      expect(c.outcome).toMatchObject({
        side: "client",
        detail: expect.stringContaining(
          `The size of the handshake message (${body}) exceeds the maximum allowed size (${JDK_MAX_HANDSHAKE_MESSAGE_BYTES})`,
        ),
      });
    }
  }
}

/** A found boundary: one unit wide, within the search's probe bound, and the JDK rule across it. */
function expectExactBoundary(b: Boundary, cases: readonly CaseResult[]) {
  expect(b.status, JSON.stringify(b)).toBe("found");
  expect(b.width).toBe(1);
  expect(b.firstPast!.size - b.lastBefore!.size).toBe(1);
  expect(b.probes).toBeLessThanOrEqual(maxProbes(b.from, b.to));
  expect(cases.filter((c) => c.bisect?.series === b.series)).toHaveLength(b.probes);
  expect(b.lastBefore!.messageBytes! - HEADER_BYTES).toBeLessThanOrEqual(JDK_MAX_HANDSHAKE_MESSAGE_BYTES);
  expect(b.firstPast!.messageBytes! - HEADER_BYTES).toBeGreaterThan(JDK_MAX_HANDSHAKE_MESSAGE_BYTES);
  expect(b.firstPast!.outcome).toMatchObject({ class: "excessive-size", side: "client" });
}

describe("bisected boundaries", () => {
  let shipped: Awaited<ReturnType<typeof run>>;

  it("java-boundary (process runtime): Java's limit one name and one byte wide on TLS 1.2 and 1.3, as JSSE's rule says", async () => {
    shipped = await run(["scenarios/java-boundary.scenario.ts"], 400_000);
    const { r, cases, boundaries, text } = shipped;
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expectJdkRule(cases);
    expect(boundaries.map((b) => `${b.tls} ${b.by}`).sort()).toEqual([
      "1.2 bytes",
      "1.2 names",
      "1.3 bytes",
      "1.3 names",
    ]);
    for (const b of boundaries) expectExactBoundary(b, cases);
    // One byte more on the list is one byte more in the message (the sizes are exact), so the
    // byte search lands on the rule's edge itself: a body of exactly the limit works.
    for (const b of boundaries.filter((x) => x.by === "bytes")) {
      expect(b.firstPast!.bytes - b.lastBefore!.bytes).toBe(1);
      expect(b.firstPast!.messageBytes! - b.lastBefore!.messageBytes!).toBe(1);
      expect(b.lastBefore!.messageBytes! - HEADER_BYTES).toBe(JDK_MAX_HANDSHAKE_MESSAGE_BYTES);
    }
    // The name search: one more configured name, and the message grew past the limit.
    for (const b of boundaries.filter((x) => x.by === "names"))
      expect(b.firstPast!.count - b.lastBefore!.count).toBe(1);
    const md = text("summary.md");
    expect(md).toContain("### Boundaries (bisected)");
    expect(md).toMatch(
      /boundary: largest ok \d+ names \/ [\d,]+ B \(message [\d,]+ B\), first fail .*; one name wide, \d+ reloads/,
    );
    expect(text("report.html")).toContain('<section id="boundaries">');
  }, 420_000);

  it("--resume re-derives the search from cases.jsonl: the same midpoints, nothing run twice", async () => {
    expect(shipped, "needs the run above").toBeDefined();
    const { dir, lines, cases } = shipped;
    // The run as if killed two thirds of the way through, in the middle of a search (the four
    // searches run one after another on the one server): its first cases, a manifest without an end.
    const cut = Math.floor((lines.length * 2) / 3);
    const copy = await mkdtemp(path.join(tmpdir(), "rootload-bisect-resume-"));
    mkdirSync(copy, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    delete manifest.endedAt;
    writeFileSync(path.join(copy, "manifest.json"), JSON.stringify(manifest));
    writeFileSync(path.join(copy, "cases.jsonl"), `${lines.slice(0, cut).join("\n")}\n`);
    copyFileSync(path.join(dir, "report.json"), path.join(copy, "before.json"));
    const r = await runCli(["run", "scenarios/java-boundary.scenario.ts", "--resume", copy], 400_000);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    // Started with --no-latency, resumed without it: the run stays functional-only.
    expect(JSON.parse(readFileSync(path.join(copy, "manifest.json"), "utf8")).latency).toBe("not-measured");
    const resumed = read(copy);
    // The recorded cases are kept as they were, then exactly the rest of the search.
    expect(resumed.lines.slice(0, cut)).toEqual(lines.slice(0, cut));
    const ids = resumed.cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(cases.map((c) => c.id).sort());
    const key = (b: Boundary) => [b.series, b.lastBefore?.size, b.firstPast?.size, b.probes];
    expect(resumed.boundaries.map(key)).toEqual(shipped.boundaries.map(key));
  }, 420_000);

  it("container runtime: the image's s_server and JRE give the same one-name boundary on TLS 1.3", async (ctx) => {
    const ready = await containerEngineReady();
    requireHere(ctx, "container runtime", ready.ok ? undefined : ready.reason);
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-bisect-ct-"));
    const file = path.join(dir, "java-ct.scenario.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "java-boundary-container",
        runtime: "container",
        servers: [{ driver: "openssl", tls: ["1.3"] }],
        roots: {
          source: CTL_2025_SOURCE,
          bisect: { from: 250, to: 400 },
        },
        clients: ["java"],
        latency: false,
      }),
    );
    const { r, cases, boundaries, text } = await run([file], 300_000);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(text("manifest.json")).runtime).toBe("container");
    expectJdkRule(cases);
    expect(boundaries).toHaveLength(1);
    expectExactBoundary(boundaries[0]!, cases);
    // The same list on the wire as the process runtime's s_server found: the same edge.
    const processNames = shipped?.boundaries.find((b) => b.tls === "1.3" && b.by === "names");
    if (processNames) expect(boundaries[0]!.lastBefore!.count).toBe(processNames.lastBefore!.count);
  }, 320_000);
});
