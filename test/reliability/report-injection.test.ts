import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../harness/model/run-manifest.ts";
import { htmlReport } from "../../harness/report/html.ts";
import { markdownReport } from "../../harness/report/markdown.ts";
import { readRun } from "../../harness/run/run-dir.ts";
import { repoRoot } from "../support/repo-root.ts";

/**
 * A run folder is data anyone can hand over (a CI artifact, a shard to merge): every value in it
 * reaches the HTML and Markdown reports as text. The page's CSP stopped <script>, but a
 * <meta refresh> navigated away and injected CSS turned a FAIL into "PASS"; a hostile image's
 * version string reached summary.md raw.
 */
const META = '<meta http-equiv="refresh" content="0;url=https://evil.example/">';
const CSS = "</span><style>.verdict{display:none}</style>";
const MD = "**PASS** [ok](https://evil.example/) <img src=x onerror=alert(1)> `x` | y";

async function hostileRun(): Promise<RunRecord> {
  const run = await readRun(path.join(repoRoot, "test/fixtures/runs/baseline"), { onWarning: () => {} });
  run.manifest.servers[0]!.versions = { nginx: `1.22 ${MD} ${META}` };
  run.manifest.scenario.name = `s ${CSS}`;
  for (const c of run.cases) {
    // Fields a reader does not type-check: they go into the issuer phrases.
    (c as { clientIssuer?: { position: unknown } }).clientIssuer = { position: `${META}${CSS}${MD}` };
    c.clientIssuerAdvertised = false;
  }
  return run;
}

/** Raw markup: a `<` not escaped by a backslash (Markdown) or an entity (HTML). */
const rawTag = (s: string, tag: string) => new RegExp(`(^|[^\\\\])<${tag}\\b`, "i").test(s);

describe("report injection", () => {
  it("HTML: every value from the run is text, no tag or style of the data's making", async () => {
    const html = htmlReport(await hostileRun());
    expect(html).toContain("position &lt;meta");
    expect(html).not.toContain('<meta http-equiv="refresh"');
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(rawTag(html, "img")).toBe(false);
    expect(html).not.toContain("</span><style>");
  });

  it("Markdown: emphasis, links, HTML, code spans and pipes from the run stay text", async () => {
    const md = markdownReport(await hostileRun());
    expect(md).toMatch(/issuer at position/);
    // A code span shows its content literally (no markup inside): only text outside them counts.
    const outsideCode = md.replace(/`[^`\n]*`/g, "``");
    for (const tag of ["meta", "img", "style"]) expect(rawTag(outsideCode, tag), tag).toBe(false);
    expect(md).not.toMatch(/(^|[^\\])\*\*PASS\*\*/);
    expect(md).not.toMatch(/(^|[^\\])\[ok\]\(https/);
    // Every table row keeps its column count: no pipe from the data splits a cell.
    const columns = (l: string) => l.split(/(?<!\\)\|/).length;
    const tables = md.split(/\n(?!\|)/).map((b) => b.split("\n").filter((l) => l.startsWith("|")));
    expect(tables.some((t) => t.length > 2)).toBe(true);
    for (const t of tables) for (const row of t) expect(columns(row), row).toBe(columns(t[0]!));
  });
});
