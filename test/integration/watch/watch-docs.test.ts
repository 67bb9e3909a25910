import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateTargets } from "../../../harness/watch/validate-targets.ts";
import { promtool, requirePrometheus } from "../../support/prometheus.ts";
import { repoRoot } from "../../support/repo-root.ts";

/**
 * docs/watch.md's blocks are what users copy: the targets file validates, Prometheus accepts the
 * scrape config and the alert rules, and each alert fires on the series it is about (promtool test rules).
 */
const doc = readFileSync(path.join(repoRoot, "docs/watch.md"), "utf8");
const blocks = (lang: string) =>
  [...doc.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1]!);
const why = requirePrometheus();
const dir = mkdtempSync(path.join(tmpdir(), "rootload-watch-docs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("docs/watch.md", () => {
  it("its targets file validates", () => {
    const [json] = blocks("json");
    expect(validateTargets(JSON.parse(json!))).toMatchObject({ ok: true });
  });

  describe.skipIf(why !== undefined)(`with promtool${why ? ` (skipped: ${why})` : ""}`, () => {
    const yaml = blocks("yaml");
    const config = yaml.find((b) => b.includes("scrape_configs:"))!;
    const rules = yaml.find((b) => b.startsWith("groups:"))!;

    it("promtool accepts the scrape config and the alert rules", () => {
      writeFileSync(path.join(dir, "rootload-rules.yml"), rules);
      writeFileSync(path.join(dir, "prometheus.yml"), config);
      const r = promtool(["check", "rules", path.join(dir, "rootload-rules.yml")]);
      expect(r.output).toContain("SUCCESS: 2 rules found");
      expect(r.code).toBe(0);
      const c = promtool(["check", "config", path.join(dir, "prometheus.yml")]);
      expect(c.output, c.output).toContain("SUCCESS");
      expect(c.code).toBe(0);
    });

    it("each alert fires on what it is about after 10 minutes, and not on a healthy target", () => {
      writeFileSync(path.join(dir, "rootload-rules.yml"), rules);
      const test = `rule_files:
  - rootload-rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'rootload_client_margin_bytes{target="web",tls="1.2",client="java"}'
        values: '100 100 100 -1x15'
      - series: 'rootload_client_margin_bytes{target="web",tls="1.2",client="go"}'
        values: '32767x18'
      - series: 'rootload_issuer_advertised{target="web",tls="1.3",issuer="CN=rootload client CA"}'
        values: '1 1 0x16'
      - series: 'rootload_issuer_advertised{target="api",tls="1.3",issuer="CN=rootload client CA"}'
        values: '1x18'
    alert_rule_test:
      - eval_time: 5m
        alertname: RootloadListPastClientLimit
        exp_alerts: []
      - eval_time: 14m
        alertname: RootloadListPastClientLimit
        exp_alerts:
          - exp_labels: { severity: critical, target: web, tls: "1.2", client: java }
            exp_annotations:
              summary: "java clients cannot connect to web (TLS 1.2)"
              description: "The CertificateRequest of web is past the java client's limit: margin -1 bytes. Shorten the advertised CA list (docs/check.md)."
      - eval_time: 14m
        alertname: RootloadIssuerNotAdvertised
        exp_alerts:
          - exp_labels: { severity: warning, target: web, tls: "1.3", issuer: "CN=rootload client CA" }
            exp_annotations:
              summary: "web no longer advertises CN=rootload client CA (TLS 1.3)"
              description: "Java, Go and Windows-style clients whose certificate is issued by CN=rootload client CA send no certificate to web."
`;
      writeFileSync(path.join(dir, "rules.test.yml"), test);
      const r = promtool(["test", "rules", path.join(dir, "rules.test.yml")]);
      expect(r.output).toContain("SUCCESS");
      expect(r.code).toBe(0);
    });
  });
});
