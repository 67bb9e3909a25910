import { writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CaSetup } from "../../../../harness/check/ca-setup.ts";
import { readInput } from "../../../../harness/check/read-input.ts";
import { checkJson } from "../../../../harness/check/render-json.ts";
import { checkText } from "../../../../harness/check/render-text.ts";
import { checkWindows } from "../../../../harness/check/windows/check-windows.ts";
import { schannelConfig } from "../../../../harness/check/windows/schannel-settings.ts";
import { InputError } from "../../../../harness/errors.ts";
import { RootEntry } from "../../../../harness/roots/root-store.ts";
import { certPem, selfSignedCa, sizedName } from "../../../fixtures/synthetic-roots.ts";
import { runCli } from "../../../support/cli.ts";

/** The whole 2025 Microsoft CTL (514 certificates, 56,306 B as a list): Schannel's Root store after KB 931125. */
const ctl = readInput("microsoft:2025-06-16");
const issuer = new RootEntry(selfSignedCa(sizedName(60, "Enterprise Issuing CA"), 9001), {
  origin: "client-issuer",
});
const rootWithIssuer: CaSetup = { ...ctl, advertise: [...ctl.advertise, issuer] };
const params = { tls: ["1.2", "1.3"] as const, clients: ["java", "go", "openssl"] as const };
const run = (
  windows: string,
  registry: string[] = [],
  extra: Partial<Parameters<typeof schannelConfig>[0]> = {},
) =>
  checkWindows(
    rootWithIssuer,
    { ...params, tls: [...params.tls], clients: [...params.clients], issuerSubject: issuer.subjectDer },
    schannelConfig({ windows, registry, ...extra }),
  );

describe("check --windows: Schannel as configured, from Microsoft's documented defaults", () => {
  it("Server 2008 R2 sends its Root store by default (SendTrustedIssuerList TRUE) and cuts it at 16 KB: the appended issuer is cut, Java and Go send no certificate", () => {
    const r = run("2008r2");
    expect(r.windows!.namesSent).toBe(true);
    expect(r.servers.map((v) => v.tls)).toEqual(["1.2"]);
    const s = r.servers[0]!;
    expect(s.verdict).toBe("truncates");
    expect(s.sent.bytes).toBeLessThanOrEqual(16_384);
    // The CTL's own order: 153 names fit 16 KB (docs/domain.md).
    expect(s.sent.entries.length).toBe(153);
    expect(r.issuer![0]!.advertised).toBe(false);
    expect(r.clients.filter((c) => c.verdict === "no-certificate").map((c) => c.client)).toEqual([
      "java",
      "go",
    ]);
    expect(r.clients.find((c) => c.client === "openssl")!.verdict).toBe("accepts");
    expect(r.breaks).toBe(true);
    expect(r.windows!.settings.find((x) => x.name === "SendTrustedIssuerList")!.from).toMatchObject({
      kind: "default",
      document: expect.stringContaining("tls-registry-settings"),
    });
  });

  it("Server 2012 R2 sends no names by default (SendTrustedIssuerList FALSE): every client offers its certificate", () => {
    const r = run("2012r2");
    expect(r.windows!.namesSent).toBe(false);
    expect(r.setup.caNames).toBe("off-omitted");
    expect(r.clients.every((c) => c.verdict === "accepts")).toBe(true);
    expect(r.breaks).toBe(false);
  });

  it("Server 2012 R2 with SendTrustedIssuerList=1 truncates like 2008 R2; with the issuer in the Client Authentication Issuers store the list is that store", () => {
    const on = run("2012r2", ["SendTrustedIssuerList=1"]);
    expect(on.servers[0]!.verdict).toBe("truncates");
    expect(on.windows!.settings[0]).toMatchObject({ value: "1", from: { kind: "given" } });
    const store = run("2012r2", ["sendtrustedissuerlist=0x1"], {
      clientAuthIssuers: { file: "cai.pem", entries: [issuer] },
    });
    expect(store.windows!.listFrom).toMatchObject({ store: "Client Authentication Issuers", count: 1 });
    expect(store.servers[0]!.verdict).toBe("sends");
    expect(store.issuer![0]).toMatchObject({ advertised: true, position: 1 });
    expect(store.breaks).toBe(false);
  });

  it("Server 2012 (KB 2880390): a Root store past 16 KB fails client authentication whatever SendTrustedIssuerList says; the hotfix lifts it", () => {
    for (const send of ["0", "1"]) {
      const r = run("2012", [`SendTrustedIssuerList=${send}`]);
      expect(r.servers[0]!.verdict, send).toBe("aborts");
      expect(r.servers[0]!.reason).toContain("KB 2880390");
      expect(r.breaks).toBe(true);
    }
    const fixed = run("2012", ["SendTrustedIssuerList=1"], { hotfix: ["KB2880390"] });
    expect(fixed.servers[0]!.verdict).toBe("truncates");
    expect(fixed.windows!.kb2880390).toMatchObject({ fixed: true, fails: false });
    expect(run("2012r2").windows!.kb2880390).toBeUndefined();
  });

  it("ClientAuthTrustMode: an issuer outside the store the list comes from is refused (documented rule)", () => {
    const other = new RootEntry(selfSignedCa(sizedName(60, "Some Other CA"), 9002));
    const r = run("2016", ["ClientAuthTrustMode=2"], {
      clientAuthIssuers: { file: "cai.pem", entries: [other] },
    });
    expect(r.windows!.issuerTrust).toMatchObject({ mode: 2, trusted: false });
    expect(r.breaks).toBe(true);
    expect(checkText(r)).toContain("client issuer NOT TRUSTED: ClientAuthTrustMode=2 (Exclusive CA Trust)");
  });

  it("Server 2022 speaks TLS 1.3 too; the report says emulated, in text and JSON, with a source for each default", () => {
    const r = run("2022", ["SendTrustedIssuerList=1", "MessageLimitServerClientAuth=65536"]);
    expect(r.servers.map((v) => v.tls)).toEqual(["1.2", "1.3"]);
    const t = checkText(r);
    expect(t).toContain(
      "Windows Server 2022 as configured — EMULATED from Microsoft documentation, not measured",
    );
    expect(t).toMatch(
      /MessageLimitServerClientAuth = 0x10000 \(65,536 B\) {2}\(--registry MessageLimitServerClientAuth=65536\)/,
    );
    expect(checkText(run("2022"))).toMatch(
      /\[\d\] https:\/\/learn\.microsoft\.com\/en-us\/windows-server\/security\/tls\/tls-registry-settings/,
    );
    const j = checkJson(r) as {
      windows: { basis: string; evidence: { how: string }; settings: { source: object }[] };
    };
    expect(j.windows.basis).toBe("emulated from documentation, not measured");
    expect(j.windows.evidence.how).toBe("vendor");
    for (const s of j.windows.settings)
      expect(s.source).toSatisfy((x: object) => "document" in x || "given" in x);
  });

  it("TLS 1.3 alone on a version that does not speak it is bad input", () => {
    const only13 = () =>
      checkWindows(rootWithIssuer, { tls: ["1.3"], clients: ["java"] }, schannelConfig({ windows: "2019" }));
    expect(only13).toThrow(/--tls: 1\.3: Windows Server 2019 speaks TLS 1\.2/);
  });

  it.each([
    [{ windows: "2013" }, /--windows: "2013" is not one of 2008, 2008r2/],
    [{ windows: "2012r2", registry: ["Foo=1"] }, /--registry: "Foo" is not one of SendTrustedIssuerList/],
    [{ windows: "2012r2", registry: ["SendTrustedIssuerList=2"] }, /SendTrustedIssuerList=2: 0 or 1/],
    [{ windows: "2012r2", registry: ["ClientAuthTrustMode=3"] }, /ClientAuthTrustMode=3: 0, 1 or 2/],
    [{ windows: "2008r2", registry: ["ClientAuthTrustMode=2"] }, /documented from Windows Server 2012 on/],
    [{ windows: "2016", registry: ["MessageLimitServerClientAuth=0x20000"] }, /at most 65536/],
    [{ windows: "2016", registry: ["MessageLimitServerClientAuth=lots"] }, /not a DWORD/],
    [{ windows: "2016", registry: ["SendTrustedIssuerList=1", "SendTrustedIssuerList=0"] }, /given twice/],
    [{ windows: "2016", hotfix: ["KB2880390"] }, /for Windows Server 2012, not Windows Server 2016/],
  ])("bad input %j: one InputError naming the option and value", (o, message) => {
    expect(() => schannelConfig(o)).toThrow(InputError);
    expect(() => schannelConfig(o)).toThrow(message);
  });
});

describe("rootload check --windows (CLI)", () => {
  it("prints the emulation and exits 1 when the issuer is cut; bad values exit 2 with one line", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootload-windows-"));
    const issuerFile = path.join(dir, "issuer.pem");
    writeFileSync(issuerFile, certPem(issuer.certDer));
    const bundle = path.join(dir, "root-store.pem");
    writeFileSync(bundle, [...ctl.advertise.slice(0, 300), issuer].map((e) => certPem(e.certDer)).join(""));
    const r = await runCli([
      "check",
      bundle,
      "--server",
      "schannel",
      "--windows",
      "2008r2",
      "--issuer",
      issuerFile,
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      "Windows Server 2008 R2 as configured — EMULATED from Microsoft documentation, not measured",
    );
    expect(r.stdout).toMatch(/client issuer: NOT advertised by schannel/);
    const off = await runCli([
      "check",
      bundle,
      "--server",
      "schannel",
      "--windows",
      "2019",
      "--issuer",
      issuerFile,
      "--json",
    ]);
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout).windows.namesSent).toBe(false);
    for (const [args, line] of [
      [
        ["--windows", "2012r2", "--registry", "SendTrustedIssuerList=yes"],
        "rootload check --registry: SendTrustedIssuerList=yes: not a DWORD (decimal or 0x hex)",
      ],
      [
        ["--windows", "2012r2", "--server", "nginx"],
        "rootload check --windows: describes the schannel server, not nginx: use --server schannel",
      ],
      [
        ["--registry", "SendTrustedIssuerList=1"],
        "rootload check --registry: describes a Windows Server: give --windows VERSION",
      ],
    ] as const) {
      const bad = await runCli(["check", bundle, ...args]);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe("");
      expect(bad.stderr.trim().split("\n")).toEqual([line]);
    }
  });
});
