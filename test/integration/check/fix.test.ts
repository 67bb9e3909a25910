import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";
import {
  apacheFixture,
  type FixFixture,
  haproxyFixture,
  lighttpdFixture,
  nginxFixture,
  stunnelFixture,
} from "../../support/fix-configs.ts";
import { makeUserPki } from "../../support/user-pki.ts";

// Issue 25: `check --fix --verify` on realistic configs whose advertised list is the whole 2025
// Microsoft list (55 KB: Java refuses) with the enterprise CA trusted but not advertised (Go and
// Java find no certificate). The fix is written as a copy, proven by running the original and the
// fixed config through the real server (process runtime) with Java, Go and openssl presenting the
// user's certificate.
const hashes = (f: FixFixture) =>
  Object.fromEntries(
    ["nginx.conf", "snippets/mtls.conf", "apache2.conf", "haproxy.cfg", "stunnel.conf", "lighttpd.conf"]
      .map((n) => path.join(f.dir, n))
      .filter(existsSync)
      .map((p) => [p, createHash("sha256").update(readFileSync(p)).digest("hex")]),
  );

describe.each([
  ["nginx", nginxFixture, "nginx.conf", /ssl_client_certificate \S+rootload-advertised-cas\.pem/],
  ["apache", apacheFixture, "apache2.conf", /SSLCADNRequestFile \S+rootload-advertised-cas\.pem/],
  [
    "haproxy",
    haproxyFixture,
    "haproxy.cfg",
    /ca-file \S+rootload-advertised-cas\.pem ca-verify-file \S+rootload-verify-only-cas\.pem/,
  ],
  [
    "stunnel",
    stunnelFixture,
    "stunnel.conf",
    /CAfile = \S+rootload-advertised-cas\.pem\nconfig = VerifyCAFile:\S+rootload-trusted-cas\.pem/,
  ],
] as const)("check --fix --verify on %s (process runtime)", (server, fixture, main, directive) => {
  it("writes the split beside a copy of the config, and the real clients get in with the user's certificate", async () => {
    const f = fixture();
    const before = hashes(f);
    const out = path.join(f.dir, "fixed");
    const r = await runCli(
      [
        "check",
        f.main,
        "--fix",
        "--verify",
        "--issuer",
        f.pki.file("ca.pem"),
        "--identity",
        `${f.pki.file("client.pem")},${f.pki.file("client.key")}`,
        "--clients",
        "java,go,openssl",
        "--out",
        out,
        // The stunnel fixture serves through `exec = /bin/cat`: running it is opted into by name.
        ...(server === "stunnel" ? ["--allow-commands"] : []),
      ],
      300_000,
    );
    expect(r.code, r.stdout + r.stderr.slice(-3000)).toBe(0);
    // The user's files are untouched; the copy holds the edit and the advertised file.
    expect(hashes(f)).toEqual(before);
    const fixed =
      readFileSync(path.join(out, main), "utf8") +
      (existsSync(path.join(out, "snippets/mtls.conf"))
        ? readFileSync(path.join(out, "snippets/mtls.conf"), "utf8")
        : "");
    expect(fixed).toMatch(directive);
    const advertised = readFileSync(path.join(out, "rootload-advertised-cas.pem"), "utf8");
    // The issuer is advertised first in the file.
    expect(advertised.startsWith(f.pki.caPem.trim().split("\n")[0]!)).toBe(true);
    expect(advertised.indexOf(f.pki.caPem.trim().split("\n")[1]!)).toBeLessThan(200);
    // The diff names the user's file and the copy.
    expect(r.stdout).toMatch(new RegExp(`^--- ${f.dir}/`, "m"));
    // Before: the original fails the way check predicts, on the real server and clients.
    const beforeLine = /^ {2}before: (.*)$/m.exec(r.stdout)?.[1] ?? "";
    expect(beforeLine).toMatch(/java TLS 1\.2 refuses \(excessive-size/);
    expect(beforeLine).toMatch(/go TLS 1\.2 no-certificate \(issuer not advertised/);
    expect(beforeLine).toMatch(/openssl TLS 1\.2 accepts/);
    // After: every client in, with the user's certificate.
    const afterLine = /^ {2}after: {2}(.*)$/m.exec(r.stdout)?.[1] ?? "";
    expect(afterLine).toMatch(
      /^all accept \(java TLS 1\.2, go TLS 1\.2, openssl TLS 1\.2, java TLS 1\.3, go TLS 1\.3, openssl TLS 1\.3\), issuer advertised at position \d+$/,
    );
    expect(r.stdout).toMatch(/trusts the same \d+ CAs \(checked: none lost\)/);
    // The copy starts as it is: the server's own config test on out/<main file>, from another folder.
    const test: Record<string, string[]> = {
      nginx: ["nginx", "-t", "-c", path.join(out, main)],
      apache: ["apache2", "-t", "-f", path.join(out, main)],
      haproxy: ["haproxy", "-c", "-f", path.join(out, main)],
    };
    const argv = test[server];
    if (argv)
      execFileSync(argv[0]!, argv.slice(1), { cwd: "/", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] });
  }, 300_000);
});

describe("check --fix on lighttpd: ssl.ca-dn-file also restricts the issuers accepted, so no split is written", () => {
  it("says it cannot split without trusting less, gives the options, writes nothing (exit 1)", async () => {
    const f = lighttpdFixture();
    const out = path.join(f.dir, "fixed");
    const r = await runCli(
      [
        "check",
        f.main,
        "--fix",
        "--issuer",
        f.pki.file("ca.pem"),
        "--out",
        out,
        "--clients",
        "java,go,openssl",
      ],
      60_000,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^lighttpd: cannot split without trusting less/m);
    expect(r.stdout).toContain("verify_callback");
    expect(r.stdout).toMatch(/openssl send their certificate anyway.*java, go choose by the list/);
    expect(existsSync(out)).toBe(false);
    // What check says about the same config: the CAs in ssl.ca-file alone are not accepted.
    const c = await runCli(["check", f.main], 60_000);
    expect(c.stdout).toMatch(
      /note: lighttpd accepts only client certificates whose issuer is in ssl\.ca-dn-file/,
    );
  }, 120_000);
});

describe("check --fix: bad input is one line, exit 2, nothing written", () => {
  const f = nginxFixture();
  const out = path.join(f.dir, "never");
  const cases: [string, string[], RegExp][] = [
    ["no issuer", ["check", f.main, "--fix", "--out", out], /needs --issuer/],
    [
      "an issuer the config does not trust",
      [
        "check",
        f.main,
        "--fix",
        "--issuer",
        makeUserPki({ name: "Other Corp CA" }).file("ca.pem"),
        "--out",
        out,
      ],
      /is not in the trust store/,
    ],
    [
      "a file check cannot read as a config",
      ["check", path.join(f.dir, "notes.txt"), "--fix", "--issuer", f.pki.file("ca.pem"), "--out", out],
      /neither a CA source .* nor an nginx/,
    ],
    [
      "--verify without the identity to prove it with",
      ["check", f.main, "--fix", "--verify", "--issuer", f.pki.file("ca.pem"), "--out", out],
      /needs --identity/,
    ],
  ];
  writeFileSync(path.join(f.dir, "notes.txt"), "just some notes\nabout the servers\n");
  it.each(cases)("%s", async (_, args, message) => {
    const r = await runCli(args, 60_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});

describe("check --fix for servers that cannot split", () => {
  it.each([
    ["gnutls", /cannot split/],
    ["java", /X509ExtendedTrustManager/],
    ["caddy", /cannot split/],
    ["schannel", /not verified here[\s\S]*SendTrustedIssuerList/],
    [
      "aws-alb",
      /AdvertiseTrustStoreCaNames[\s\S]*not verified here|not verified here[\s\S]*AdvertiseTrustStoreCaNames/,
    ],
  ])("%s: says so and lists the options (exit 1)", async (server, text) => {
    const r = await runCli(["check", "--fix", "--server", server, "--clients", "java,go,openssl"], 30_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(text);
    if (!server.startsWith("schannel") && server !== "aws-alb")
      expect(r.stdout).toMatch(/openssl send their certificate anyway.*java, go choose by the list/);
  });
});
