import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../../harness/model/case-result.ts";
import { sideOf } from "../../../harness/model/outcome.ts";
import { runCli } from "../../support/cli.ts";
import { CTL_2025_SOURCE } from "../../support/repo-root.ts";
import { readCases, runDir, writeScenario } from "../../support/run-files.ts";

/**
 * `ok` means the user's client gets in. nginx with `ssl_verify_client on` finishes the TLS
 * handshake for a client that sends no certificate and refuses it at the HTTP layer (400 "No
 * required SSL certificate was sent"), so a client whose issuer was cut from the list completes
 * the handshake and is still locked out. The issue-22 reproduction: the 2025 Windows list, 268
 * names with the client issuer last (position 267), truncated at 9,793 bytes, Java and Go (their
 * own selection) and node told to select as Windows does.
 */
function expectLockedOut(c: CaseResult) {
  expect(c.clientIssuerAdvertised, c.id).toBe(false);
  expect(c.clientCertificate?.sent, c.id).toBe(false);
  expect(c.outcome.class, c.id).not.toBe("ok");
  expect(c.outcome, c.id).toMatchObject({ class: "issuer-not-advertised", side: "server" });
  expect(c.latency, c.id).toBeUndefined();
}

describe("a server that refuses a missing certificate after the handshake", () => {
  it("nginx, issuer cut: Java, Go and a selecting node client are locked out, not ok; the server's list is named", async () => {
    const { file, out } = await writeScenario({
      name: "no-certificate-nginx",
      runtime: "process",
      servers: [{ driver: "nginx", policy: "truncate-bytes:9793" }],
      roots: { source: CTL_2025_SOURCE, sizes: [268], clientIssuer: "last" },
      clients: ["java", "go", { name: "node", select: "by-issuer-list" }, "openssl"],
      bench: { time: 20, iterations: 2 },
    });
    const r = await runCli(["run", file, "--out", out, "--quiet"], 240_000);
    expect(r.code, r.stderr.slice(-2000)).not.toBe(3);
    const cases = readCases(runDir(out));
    expect(cases).toHaveLength(2 * 4);
    for (const c of cases) {
      expect(c.configured?.count, c.id).toBe(268);
      expect(c.clientIssuer?.position, c.id).toBe(267);
      if (c.client === "openssl") {
        // It sends its certificate whatever the list says, and nginx trusts the whole store.
        expect(c.outcome, c.id).toEqual({ class: "ok" });
        continue;
      }
      expectLockedOut(c);
      // What the user gets, asked of nginx as that client would be: its HTTP 400.
      expect((c.outcome as { detail: string }).detail, c.id).toMatch(
        /nginx finished the handshake anyway and refused after it; asked without a certificate, the application answered: HTTP\/1\.1 400 Bad Request: No required SSL certificate was sent/,
      );
    }
  }, 300_000);

  /**
   * The hidden-check form: every driver that can cut the client issuer from its list (a
   * truncate-bytes policy; lighttpd with mbedTLS by its own 16 KB buffer), clients that select by
   * the list. Whichever side of the handshake each server decides on, no client that sent no
   * certificate is `ok`, and each such case names a side.
   */
  it("a sweep over the drivers with the issuer cut: no client that sent no certificate is ok, and the side is named", async () => {
    const cut = ["nginx", "apache", "haproxy", "openssl", "stunnel", "node", "java"] as const;
    const { file, out } = await writeScenario({
      name: "no-certificate-sweep",
      runtime: "process",
      servers: [
        ...cut.map((driver) => ({ driver, policy: "truncate-bytes:9793" })),
        { driver: "lighttpd-mbedtls", policy: "all", tls: ["1.2"] },
      ],
      roots: { source: CTL_2025_SOURCE, sizes: [268], clientIssuer: "last" },
      clients: ["java", "go", { name: "node", select: "by-issuer-list" }],
      bench: { time: 20, iterations: 2 },
    });
    const r = await runCli(["run", file, "--out", out, "--quiet"], 560_000);
    expect(r.code, r.stderr.slice(-2000)).not.toBe(3);
    const cases = readCases(runDir(out));
    expect(cases).toHaveLength((cut.length * 2 + 1) * 3);
    const offenders = cases
      .filter((c) => c.clientCertificate?.sent === false)
      .filter((c) => c.outcome.class === "ok" || !["server", "client"].includes(sideOf(c.outcome)!))
      .map((c) => `${c.id}: ${c.outcome.class} side ${sideOf(c.outcome)}`);
    expect(offenders).toEqual([]);
    // Not a sweep that passes for want of cases: every server cut the issuer and every client
    // reported sending nothing.
    for (const driver of [...cut, "lighttpd-mbedtls"]) {
      const mine = cases.filter((c) => c.server === driver);
      for (const c of mine) {
        expect(c.clientIssuerAdvertised, c.id).toBe(false);
        expect(c.clientCertificate?.sent, c.id).toBe(false);
        expect(c.outcome, c.id).toMatchObject({ class: "issuer-not-advertised", side: "server" });
      }
    }
  }, 600_000);
});
