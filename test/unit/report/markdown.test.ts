import { describe, expect, it } from "vitest";
import { markdownReport } from "../../../harness/report/markdown.ts";
import { fixtureRun } from "./fixtures.ts";

function row(md: string, start: string): string[] {
  const line = md.split("\n").find((l) => l.startsWith(start));
  if (!line) throw new Error(`no row starting ${start}`);
  return line.split(" | ").map((c) => c.replace(/^\| |\s*\|$/g, "").trim());
}

describe("markdownReport", async () => {
  const md = markdownReport(await fixtureRun("baseline"));

  it("leads with the verdict and the first failure", () => {
    expect(md.split("\n")[0]).toBe("## rootload: ❌ FAIL: 10 of 81 expectations failed (10 of 81 cases)");
    expect(md).toContain(
      "First failure: **nginx TLS 1.2 · schannel-2003** at 144 names / 18,377 B: `issuer-not-advertised · server side`. 7 of 9 server/TLS series failed",
    );
    expect(md).not.toContain("Incomplete run");
  });

  it("gives per server and TLS version the largest working list, first failure, truncation and issuer", () => {
    expect(row(md, "| nginx TLS 1.3 | all |")).toEqual([
      "nginx TLS 1.3",
      "all",
      "node",
      "512 names / 65,481 B",
      "512 names / 65,520 B",
      "`server-alert (internal_error) · server side`",
      "no",
      "✅ survived",
    ]);
    expect(row(md, "| gnutls TLS 1.2 |").slice(3, 6)).toEqual([
      "512 names / 65,520 B",
      "520 names / 66,505 B",
      "`malformed · server side`",
    ]);
    const sc = row(md, "| nginx TLS 1.2 | schannel-2003 |");
    expect(sc[3]).toBe("96 names / 12,233 B");
    expect(sc[6]).toBe("yes, by policy, from 144 names: 96 sent (12,288 B)");
    expect(sc[7]).toMatch(/^❌ cut from 144 names on \(issuer at position 143, 96 names sent\)/);
    expect(row(md, "| nginx TLS 1.2 | none |").slice(4, 7)).toEqual([
      "none in range",
      "—",
      "n/a (advertises nothing)",
    ]);
  });

  it("has a latency table of p50 / p99 ms by list bytes", () => {
    expect(md).toContain("### Handshake latency (p50 / p99 by configured CA list size)");
    const r = row(md, "| 65,481 B (512) |");
    expect(r).toHaveLength(10);
    expect(r[1]).toMatch(/^\d+\.\d\d \/ \d+\.\d\d$/);
    expect(row(md, "| 76,745 B (600) |")[1]).toBe("—");
  });

  it("explains KB 2801679 in plain words, with the fix", () => {
    expect(md).toContain("### Why `issuer-not-advertised` (KB 2801679)");
    expect(md).toContain("cut off the issuer of the client's certificate");
    expect(md).toContain("no matching certificate to offer");
    expect(md).toContain("`SendTrustedIssuerList=0`");
    expect(md).toContain("`Options -CANames`");
    expect(md).toContain(
      "8 case(s), from 144 names / 18,377 B: client issuer at position 143, only 96 names (12,288 B) advertised",
    );
  });

  it("says when a run is incomplete, and leaves the KB note out when no issuer was cut", async () => {
    const torn = await fixtureRun("torn");
    const t = markdownReport(torn);
    expect(t).toContain("⚠️ **Incomplete run:** 40 of 81 planned cases recorded");
    const noCuts = markdownReport({ ...torn, cases: torn.cases.filter((c) => c.policy === "all") });
    expect(noCuts).not.toContain("KB 2801679");
  });

  it("keeps table rows intact when names contain pipes", async () => {
    const run = await fixtureRun("baseline");
    const cases = run.cases.map((c) => ({ ...c, server: c.server === "nginx" ? "ng|nx" : c.server }));
    const out = markdownReport({ ...run, cases });
    expect(out).toContain("| ng\\|nx TLS 1.2 | all |");
  });
});
