import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";

/**
 * `rootload check` on crafted configurations: every one ends within seconds (the CLI's own start
 * included; the old readers ran for minutes, overflowed the stack or grew to gigabytes), with one
 * line and rc 2 where the input is refused, never a stack, never the content of a file it read,
 * never a control character from the input. Figures (wall, max RSS): docs/reliability.md.
 */
const dir = mkdtempSync(path.join(tmpdir(), "rootload-hostile-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Longer than any of these takes now; shorter than each took before. */
const BOUND_MS = 20_000;

const file = (name: string, text: string | Buffer) => {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};

const nginxServer = (inner: string) =>
  `http {\n  server {\n    listen 443 ssl;\n    ssl_verify_client on;\n    ${inner}\n  }\n}\n`;

async function check(args: string[]) {
  const t0 = Date.now();
  const r = await runCli(["check", ...args], BOUND_MS);
  return { ...r, ms: Date.now() - t0 };
}

/** Refused: rc 2, one line naming the file, no stack, nothing echoed. */
function refused(r: Awaited<ReturnType<typeof check>>, pattern: RegExp) {
  expect(r.signal, `still running after ${BOUND_MS} ms`).toBeNull();
  expect(r.code, r.stderr.slice(0, 400)).toBe(2);
  const text = r.stderr.trim();
  expect(text.split("\n")).toHaveLength(1);
  expect(text).toMatch(pattern);
  expect(text).not.toMatch(/internal error|\bat .*\.ts:\d+/);
}

/** Read to the end: a prediction (rc 0 or 1), no stack. */
function read(r: Awaited<ReturnType<typeof check>>) {
  expect(r.signal, `still running after ${BOUND_MS} ms`).toBeNull();
  expect([0, 1], r.stderr.slice(0, 400)).toContain(r.code);
  expect(r.stderr).not.toMatch(/internal error/);
}

describe("check on crafted configs: bounded, linear, one line", () => {
  it("includes that fan out (15 nginx files × 4 includes each) stop at the include bound", async () => {
    for (let i = 0; i < 15; i++)
      file(`fan/f${i}.conf`, i === 14 ? "ssl_protocols TLSv1.2;\n" : `include f${i + 1}.conf;\n`.repeat(4));
    const main = file("fan/nginx.conf", nginxServer("include f0.conf;"));
    refused(await check([main]), /more than 1024 files included|exceed \d+ bytes/);
  }, 60_000);

  it("a stunnel include folder that includes itself stops at the bound", async () => {
    const d = path.join(dir, "self.d");
    file("self.d/a.conf", `[svc]\naccept = 443\nverify = 2\ninclude = ${d}\n`);
    const main = file("self.conf", `[svc]\naccept = 443\nverify = 2\ninclude = ${d}\n`);
    refused(
      await check([main, "--server", "stunnel"]),
      /self\.(d\/a\.)?conf:4: .*(more than|deeper than|exceed)/,
    );
  }, 60_000);

  it("a glob like *a*a…*b against a long name is matched in linear time", async () => {
    file(`glob/${"a".repeat(200)}`, "ssl_protocols TLSv1.2;\n");
    const main = file("glob/nginx.conf", nginxServer(`include ${"*a".repeat(60)}*b;`));
    read(await check([main]));
  }, 60_000);

  it("300,000 Apache continuation lines are joined in one pass", async () => {
    const main = file(
      "cont.conf",
      `Listen 443\nSSLVerifyClient require\nServerName a \\\n${"a \\\n".repeat(300_000)}b\n`,
    );
    read(await check([main, "--server", "apache"]));
  }, 60_000);

  it("one 8 MB and one 50 MB nginx token are refused by size before they are parsed", async () => {
    for (const mb of [8, 50]) {
      const main = file(`token-${mb}.conf`, nginxServer(`server_name ${"a".repeat(mb * 1024 * 1024)};`));
      refused(await check([main]), new RegExp(`token-${mb}\\.conf.*over the \\d+-byte limit`));
    }
    // Under the per-file limit, a 3 MB token is parsed in one pass.
    const main = file("token-3.conf", nginxServer(`server_name ${"a".repeat(3 * 1024 * 1024)};`));
    read(await check([main]));
  }, 60_000);
});

describe("check on files that are not regular files", () => {
  it("an include of a FIFO or of /dev/zero is refused, never waited on or read", async () => {
    const fifo = path.join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    for (const target of [fifo, "/dev/zero"]) {
      const main = file("special.conf", nginxServer(`include ${target};`));
      refused(await check([main]), /special\.conf:5: include .*not a regular file/);
    }
  }, 60_000);
});

describe("check never echoes what it read, and escapes what it prints", () => {
  it("an included secret file is named by file and line, its content never printed", async () => {
    const secret = file("secret", "root:$y$j9T$SECRET-HASH-do-not-print:20228:0:99999:7:::\n");
    const main = file("shadow.conf", nginxServer(`include ${secret};`));
    const r = await check([main]);
    refused(r, /secret:1: /);
    expect(r.stderr).not.toMatch(/SECRET-HASH|root:/);
  }, 60_000);

  it("control characters and ANSI escapes in a config reach the terminal escaped", async () => {
    const main = file("ansi.conf", nginxServer('include "\x1bc\x1b]0;owned\x07x.conf";'));
    const r = await check([main]);
    refused(r, /ansi\.conf:5: include .*\\x1bc\\x1b\]0;owned\\x07x\.conf/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters
    expect(r.stderr).not.toMatch(/[\x07\x1b]/);
  }, 60_000);
});

describe("bad input in check is one line, rc 2, never a stack", () => {
  it("a glob with an unclosed [ or a reversed range", async () => {
    for (const glob of ["x[ab.conf", "[z-a].conf", "["]) {
      const main = file("glob-bad.conf", nginxServer(`include "${glob}";`));
      read(await check([main]));
    }
  }, 60_000);

  it("a dangling symlink as the config, as an include, in an include folder", async () => {
    const dangling = path.join(dir, "dangling.conf");
    symlinkSync(path.join(dir, "nowhere"), dangling);
    refused(await check([dangling]), /dangling\.conf: no such file/);
    const main = file("dangle-inc.conf", nginxServer(`include ${dangling};`));
    refused(await check([main]), /dangle-inc\.conf:5: include .*dangling\.conf/);
    mkdirSync(path.join(dir, "dangle.d"));
    symlinkSync(path.join(dir, "nowhere"), path.join(dir, "dangle.d/x.conf"));
    const st = file(
      "dangle-st.conf",
      `[svc]\naccept = 443\nverify = 2\ninclude = ${path.join(dir, "dangle.d")}\n`,
    );
    read(await check([st, "--server", "stunnel"]));
  }, 60_000);

  it("200,000 nested { stop at the nesting bound", async () => {
    const main = file("nested.conf", `${"http {\n".repeat(200_000)}`);
    refused(await check([main]), /nested\.conf:\d+: blocks nest deeper than 64 levels/);
  }, 60_000);
});
