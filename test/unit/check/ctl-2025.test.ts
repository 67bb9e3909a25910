import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckReport, check } from "../../../harness/check/check.ts";
import { DEFAULT_CLIENTS, DEFAULT_SERVERS } from "../../../harness/check/limits.ts";
import { readInput } from "../../../harness/check/read-input.ts";
import { checkJson } from "../../../harness/check/render-json.ts";
import { checkText } from "../../../harness/check/render-text.ts";
import { runCli } from "../../support/cli.ts";
import { rootstores } from "../../support/repo-root.ts";

const CAB = path.join(rootstores, "microsoft/2025-06-16/authrootstl.cab");

/** Issue 15's done-when figures, on the whole 2025-06 Microsoft CTL (disabled entries included). */
describe("rootload check on the 2025-06-16 Microsoft CTL", () => {
  let r: CheckReport;
  beforeAll(() => {
    r = check(readInput(CAB), { servers: DEFAULT_SERVERS, tls: ["1.2", "1.3"], clients: DEFAULT_CLIENTS });
  });
  const server = (s: string, tls: string) => r.servers.find((v) => v.server === s && v.tls === tls)!;
  const client = (c: string, tls: string) => r.clients.find((v) => v.client === c && v.tls === tls)!;

  it("OpenSSL-family servers send it on TLS 1.2 and 1.3: 501 names, 55,043 B (one per distinct name)", () => {
    expect(r.setup.advertise.length).toBe(514);
    for (const s of ["nginx", "apache", "haproxy", "stunnel", "openssl"])
      for (const tls of ["1.2", "1.3"]) {
        expect(server(s, tls)).toMatchObject({ verdict: "sends", count: 501, bytes: 55_043 });
      }
    expect(server("nginx", "1.2").marginBytes).toBe(65_535 - 55_043);
    expect(server("nginx", "1.3").marginBytes).toBe(65_491 - 55_043);
    expect(server("nginx", "1.2").messageBytes).toBe(55_095);
    expect(server("nginx", "1.3").messageBytes).toBe(55_094);
  });

  it("GnuTLS and Node send all 514 names (56,306 B), duplicates included", () => {
    for (const tls of ["1.2", "1.3"]) {
      expect(server("gnutls", tls)).toMatchObject({ verdict: "sends", count: 514, bytes: 56_306 });
      expect(server("node", tls)).toMatchObject({ verdict: "sends", count: 514, bytes: 56_306 });
    }
    expect(server("gnutls", "1.2").messageBytes).toBe(56_349);
    expect(server("gnutls", "1.3").messageBytes).toBe(56_361);
  });

  it("Java clients refuse it (32,768 B default), Go and OpenSSL clients accept it", () => {
    for (const tls of ["1.2", "1.3"]) {
      expect(client("java", tls).verdict).toBe("refuses");
      expect(client("go", tls).verdict).toBe("accepts");
      expect(client("openssl", tls).verdict).toBe("accepts");
    }
    expect(client("java", "1.2").marginBytes).toBe(32_768 - 55_091);
  });

  it("a Java client with -Djdk.tls.maxHandshakeMessageSize=131072 accepts it", () => {
    const big = check(readInput(CAB), {
      servers: ["nginx"],
      tls: ["1.2"],
      clients: ["java"],
      javaMaxHandshake: 131_072,
    });
    expect(big.clients[0]).toMatchObject({ verdict: "accepts", marginBytes: 131_072 - 55_091 });
  });

  it("a Schannel-style server truncates it at 153 names (16,384 B) and 118 (12,288 B), in CTL order", () => {
    expect(server("schannel", "1.2")).toMatchObject({ verdict: "truncates", count: 514 });
    expect(server("schannel", "1.2").sent.entries.length).toBe(153);
    expect(server("schannel-2003", "1.2").sent.entries.length).toBe(118);
  });

  it("an issuer past the truncation point is reported as cut, with its position", () => {
    const last = readInput(CAB).advertise.at(-1)!;
    const first = readInput(CAB).advertise[0]!;
    const cut = check(readInput(CAB), {
      servers: ["openssl", "schannel"],
      tls: ["1.2"],
      clients: ["java", "openssl"],
      issuerSubject: last.subjectDer,
    });
    const schannel = cut.issuer!.find((i) => i.server === "schannel")!;
    expect(schannel).toMatchObject({ listed: true, advertised: false, position: 514 });
    const json = checkJson(cut) as { issuer: { advertised: boolean; position: number; cutBy: string[] } };
    expect(json.issuer.advertised).toBe(true);
    expect(json.issuer.cutBy).toEqual(["schannel"]);
    const kept = check(readInput(CAB), {
      servers: ["schannel"],
      tls: ["1.2"],
      clients: ["go"],
      issuerSubject: first.subjectDer,
    });
    expect(kept.issuer![0]).toMatchObject({ advertised: true, position: 1 });
  });

  it("JSON has the issue's shape; text fits one screen", () => {
    const j = checkJson(r) as {
      advertised: object;
      servers: { verdict: string }[];
      clients: object[];
    };
    expect(j.advertised).toMatchObject({ count: 501, bytes: 55_043 });
    for (const s of j.servers)
      expect(Object.keys(s)).toEqual(expect.arrayContaining(["server", "tls", "verdict", "marginBytes"]));
    for (const c of j.clients)
      expect(Object.keys(c)).toEqual(expect.arrayContaining(["client", "tls", "verdict", "marginBytes"]));
    expect(new Set(j.servers.map((s) => s.verdict))).toEqual(new Set(["sends", "truncates"]));
    const text = checkText(r);
    expect(text.split("\n").length).toBeLessThanOrEqual(40);
    expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(text).toMatch(/truncates: 153 of 514 names/);
  });

  it("numbers that add up on one screen: the break line's message size is the header's, its body 4 B less", () => {
    const text = checkText(r);
    const header = /^ {2}CertificateRequest ([\d,]+) B \(TLS 1\.2\)/m.exec(text);
    const broke = /^ {2}java client TLS 1\.2[^:]*: body ([\d,]+) B = ([\d,]+) B − 4 B header > /m.exec(text);
    expect(header, text).not.toBeNull();
    expect(broke, text).not.toBeNull();
    const n = (x: string) => Number(x.replace(/,/g, ""));
    expect(n(broke![2]!)).toBe(n(header![1]!));
    expect(n(broke![1]!)).toBe(n(header![1]!) - 4);
  });

  it("CLI: exit 1 when something breaks, 0 when nothing does, 2 on bad input", async () => {
    const broke = await runCli(["check", CAB, "--json"]);
    expect(broke.code).toBe(1);
    expect(JSON.parse(broke.stdout).advertised.count).toBe(501);
    const fine = await runCli(["check", CAB, "--server", "nginx", "--clients", "go,openssl"]);
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.stdout).toMatch(/predicted to work/);
    const bad = await runCli(["check", CAB, "--server", "ngnix"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/"ngnix" is not one of nginx/);
    const missing = await runCli(["check", "/nonexistent/ca.pem"]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
  });

  it("CLI --version: the limit for that version, 'not measured' (exit 1) outside every measured range", async () => {
    const on = (v: string) =>
      runCli(["check", CAB, "--server", "java", "--clients", "openssl", "--version", v]);
    const measured = await on("java=17.0.21.1");
    expect(measured.code, measured.stderr).toBe(0);
    expect(measured.stdout).toContain("limits known for: java 17.0.21.1 (--version)");
    const unmeasured = await on("java=17.0.17");
    expect(unmeasured.code).toBe(1);
    expect(unmeasured.stdout).toContain("java TLS 1.3: not measured on java 17.0.17");
    expect(unmeasured.stdout).toContain("nothing predicted to break, but not everything could be predicted");
    const bad = await on("java");
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/--version.*"java" is not PACKAGE=VERSION/);
  });
});
