import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";
import { CTL_2025_SOURCE } from "../../support/repo-root.ts";
import { readCases, runDir } from "../../support/run-files.ts";
import { makeUserPki } from "../../support/user-pki.ts";

// Issue 13, "your identities": the user's own CA goes into the growing list where the growth puts
// the client issuer (last here), and every client presents the user's certificate. The server
// trusts the grown store, which holds the user's CA and not rootload's test CA, so a handshake that
// gets in is the user's certificate accepted. A Schannel-style cut (16,384 B) drops the CA from the
// advertised list once the list outgrows it: the clients that choose by the list (forge, java, go)
// then have nothing to send, while openssl sends it anyway and gets in.
describe("your identity through a growing list (process runtime)", () => {
  it("advertised exactly where the growth puts its issuer, and picked by the list by forge, java and go", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-identity-"));
    // An enterprise root CA and a client certificate it issued, made with the openssl CLI.
    const user = makeUserPki();
    const identity = {
      cert: user.file("client.pem"),
      key: user.file("client.key"),
      issuer: user.file("ca.pem"),
    };
    const file = path.join(dir, "identity.scenario.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "enterprise-identity",
        runtime: "process",
        servers: [{ driver: "openssl", policy: ["schannel", "all"] }],
        roots: {
          source: CTL_2025_SOURCE,
          sizes: [100, 250],
          clientIssuer: "last",
        },
        identity,
        clients: ["forge", "java", "go", "openssl"],
        latency: false, // outcomes and lists only
      }),
    );
    const out = path.join(dir, "out");
    const r = await runCli(["run", file, "--out", out, "--quiet"], 300_000);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const run = runDir(out);
    const cases = readCases(run);
    // forge speaks TLS 1.2 only: 2 policies × 2 sizes × (4 clients on 1.2 + 3 on 1.3).
    expect(cases).toHaveLength(2 * 2 * 7);
    for (const c of cases) {
      const what = `${c.id}: ${JSON.stringify(c.outcome)}`;
      expect(c.clientIssuer?.position, what).toBe(c.configured!.count - 1);
      const cut = c.policy !== "all" && c.step.label === "n=250";
      // The list really holds the user's CA, or really lost it past 16,384 B.
      expect(c.clientIssuerAdvertised, what).toBe(!cut);
      if (cut) expect(c.advertised!.bytes, what).toBeLessThanOrEqual(16_384);
      if (cut && c.selection === "by-issuer-list") {
        expect(c.outcome.class, what).toBe("issuer-not-advertised");
        if (c.clientName === "java" || c.clientName === "go")
          expect(c.clientCertificate?.sent, what).toBe(false);
      } else if (c.clientName === "forge" && c.advertised!.messageBytes > 16_384) {
        // forge's own limit, whatever the identity: a CertificateRequest over several records.
        expect(c.outcome, what).toMatchObject({
          class: "server-alert",
          alert: "unexpected_message",
          side: "client",
        });
      } else expect(c.outcome.class, what).toBe("ok");
    }
    // The server's own log (s_server's verify lines, kept with the failed cases) names the
    // certificate it checked: the user's, never rootload's test client.
    const logs = cases.map((c) => c.serverLogTail ?? "").join("\n");
    expect(logs).toMatch(/depth=0 O = Acme Corp, CN = build-agent-7\nverify return:1/);
    expect(logs).toMatch(/depth=1 O = Acme Corp, CN = Acme Enterprise Root CA/);
    expect(logs).not.toMatch(/rootload test client|rootload Enterprise Client Issuing CA/);
    // The key is read where it is: none of its lines is in any output.
    const keyLine = readFileSync(identity.key, "utf8").split("\n")[3]!;
    for (const f of readdirSync(run))
      expect(readFileSync(path.join(run, f), "utf8"), f).not.toContain(keyLine);
  }, 300_000);
});
