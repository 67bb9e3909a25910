import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchMicrosoft, fetchMozilla } from "../../../harness/roots/fetch-snapshot.ts";
import { loadRoots } from "../../../harness/roots/load.ts";
import { readCtl } from "../../../harness/roots/load-ctl.ts";
import { runCli } from "../../support/cli.ts";
import { dataPath } from "./data.ts";

/**
 * `rootload roots fetch` against mirrors served on 127.0.0.1 from the shipped data, laid out as
 * the publishers lay theirs out: Microsoft's folder holds authrootstl.cab and every root as
 * `<SHA-1>.crt` (DER); Mozilla's holds certdata.txt.
 */

const DATE = "2025-06-16";
const tmp = mkdtempSync(path.join(tmpdir(), "rootload-fetch-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A Microsoft mirror folder for the shipped 2025-06-16 CTL; `change` may damage it. */
function microsoftMirror(name: string, change?: (dir: string, certs: string[]) => void): string {
  const dir = path.join(tmp, "mirrors", name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(dataPath("microsoft", DATE, "authrootstl.cab"), path.join(dir, "authrootstl.cab"));
  const certs = readCtl(dataPath("microsoft", DATE, "authroot.stl")).subjects.map(
    (s) => `${s.sha1.toUpperCase()}.crt`,
  );
  for (const c of certs) copyFileSync(dataPath("microsoft", "certs", c), path.join(dir, c));
  change?.(dir, certs);
  return dir;
}

/** Files of a folder tree (relative paths), to show what a fetch left behind. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  // A static file server over <tmp>/mirrors: /<mirror>/<file>; a path "/hang/..." never answers.
  server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(url);
    if (url.startsWith("/hang/")) return; // no answer: the client's timeout must end it
    const file = path.join(tmp, "mirrors", path.normalize(url));
    if (!file.startsWith(path.join(tmp, "mirrors")) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function expectOneLine(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe("rootload roots fetch microsoft", () => {
  it("rebuilds the shipped 2025-06-16 snapshot from a mirror: same files, same entries, same certificates", async () => {
    microsoftMirror("good");
    const out = path.join(tmp, "out-good");
    const r = await runCli(["roots", "fetch", "microsoft", "--from", `${base}/good/`, "--out", out], 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `microsoft:${DATE}: 514 roots, 514 new certificates in the pool, written to ${path.join(out, "microsoft", DATE)}\n`,
    );
    for (const f of ["authrootstl.cab", "authroot.stl"])
      expect(
        readFileSync(path.join(out, "microsoft", DATE, f)).equals(
          readFileSync(dataPath("microsoft", DATE, f)),
        ),
        f,
      ).toBe(true);
    const pool = readdirSync(path.join(out, "microsoft", "certs")).sort();
    expect(pool).toHaveLength(514);
    for (const c of pool)
      expect(
        readFileSync(path.join(out, "microsoft", "certs", c)).equals(
          readFileSync(dataPath("microsoft", "certs", c)),
        ),
        c,
      ).toBe(true);
    const whole = { kind: "ctl", purpose: "any", includeDisabled: true } as const;
    const fetched = loadRoots({ ...whole, path: path.join(out, "microsoft", DATE, "authrootstl.cab") });
    const shipped = loadRoots({ ...whole, path: `microsoft:${DATE}` });
    expect(fetched.count).toBe(514);
    expect(fetched.meta.missingCerts).toEqual([]);
    expect(fetched.entries.map((e) => e.sha256)).toEqual(shipped.entries.map((e) => e.sha256));
    expect(fetched.entries.map((e) => e.info.ctl)).toEqual(shipped.entries.map((e) => e.info.ctl));
    expect(tree(out).filter((f) => f.includes(".fetch-") || f.includes(".part"))).toEqual([]);
  }, 60_000);

  it("the names find a fetched snapshot in the user's data folder, and a second fetch writes nothing", async () => {
    const out = path.join(tmp, "out-good");
    const env = { ROOTLOAD_DATA: out };
    const list = await runCli(["roots", "list", "--json"], 60_000, env);
    expect(list.code, list.stderr).toBe(0);
    // The same date is shipped too: the shipped one is listed; a date only the user has is the user's.
    const rows = JSON.parse(list.stdout) as { name: string; where: string }[];
    expect(rows.find((r) => r.name === `microsoft:${DATE}`)?.where).toBe("shipped");
    const renamed = path.join(out, "microsoft", "2099-01-01");
    rmSync(renamed, { recursive: true, force: true });
    mkdirSync(renamed);
    for (const f of ["authrootstl.cab", "authroot.stl"])
      copyFileSync(path.join(out, "microsoft", DATE, f), path.join(renamed, f));
    const inspect = await runCli(
      ["roots", "inspect", "microsoft:latest", "--json", "--include-disabled"],
      60_000,
      env,
    );
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout)).toMatchObject({
      source: "microsoft:latest",
      count: 514,
      missingCerts: [],
    });
    const again = await runCli(
      ["roots", "fetch", "microsoft", "--from", `${base}/good`, "--out", out],
      60_000,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already in .*nothing written/);
    rmSync(renamed, { recursive: true });
  }, 60_000);

  it("a certificate whose SHA-1 is not its CTL entry's: one line naming it, exit 2, nothing written", async () => {
    let victim = "";
    microsoftMirror("tampered", (dir, certs) => {
      victim = certs[100]!;
      copyFileSync(path.join(dir, certs[101]!), path.join(dir, victim)); // a real certificate, the wrong one
    });
    const out = path.join(tmp, "out-tampered");
    const r = await runCli(
      ["roots", "fetch", "microsoft", "--from", `${base}/tampered`, "--out", out],
      60_000,
    );
    expectOneLine(
      r,
      new RegExp(
        `${victim}: certificate SHA-1 is [0-9a-f]{40}, the CTL lists ${victim.slice(0, 40).toLowerCase()}`,
      ),
    );
    expect(tree(out)).toEqual([]);
  }, 60_000);

  it("a truncated cabinet: one line, exit 2, nothing written and no certificate asked for", async () => {
    microsoftMirror("truncated", (dir) => {
      const cab = readFileSync(path.join(dir, "authrootstl.cab"));
      writeFileSync(path.join(dir, "authrootstl.cab"), cab.subarray(0, cab.length >> 1));
    });
    const out = path.join(tmp, "out-truncated");
    const before = requests.length;
    const r = await runCli(
      ["roots", "fetch", "microsoft", "--from", `${base}/truncated/`, "--out", out],
      60_000,
    );
    expectOneLine(r, /truncated\/authrootstl\.cab: /);
    expect(tree(out)).toEqual([]);
    expect(requests.slice(before).filter((u) => u.endsWith(".crt"))).toEqual([]);
  }, 60_000);

  it("a root missing from the mirror (HTTP 404): one line naming it, exit 2, nothing written", async () => {
    let gone = "";
    microsoftMirror("partial", (dir, certs) => {
      gone = certs.at(-1)!;
      rmSync(path.join(dir, gone));
    });
    const out = path.join(tmp, "out-partial");
    const r = await runCli(
      ["roots", "fetch", "microsoft", "--from", `${base}/partial`, "--out", out],
      60_000,
    );
    expectOneLine(r, new RegExp(`${gone}: HTTP 404`));
    expect(tree(out)).toEqual([]);
  }, 60_000);

  it("a mirror that never answers ends at the timeout, and nothing is written", async () => {
    const out = path.join(tmp, "out-hang");
    await expect(fetchMicrosoft({ from: `${base}/hang/`, out, timeoutMs: 300 })).rejects.toThrow(
      /hang\/authrootstl\.cab: no complete answer in 300 ms/,
    );
    expect(tree(out)).toEqual([]);
  });

  it("the default source is Windows Update's folder, and --from must be a URL", async () => {
    const { MICROSOFT_BASE, MOZILLA_BASE } = await import("../../../harness/roots/fetch-snapshot.ts");
    expect(MICROSOFT_BASE).toBe("http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/");
    expect(MOZILLA_BASE).toBe("https://hg.mozilla.org/projects/nss/raw-file/tip/lib/ckfw/builtins/");
    const r = await runCli([
      "roots",
      "fetch",
      "microsoft",
      "--from",
      "/some/folder",
      "--out",
      path.join(tmp, "x"),
    ]);
    expectOneLine(r, /--from: "\/some\/folder" is not a URL/);
    expectOneLine(await runCli(["roots", "fetch", "apple"]), /expected microsoft or mozilla, got "apple"/);
  }, 60_000);
});

describe("rootload roots fetch mozilla", () => {
  it("writes certdata.txt as served, dated the day of the download", async () => {
    mkdirSync(path.join(tmp, "mirrors", "nss"), { recursive: true });
    copyFileSync(
      dataPath("mozilla", "2025-06-19", "certdata.txt"),
      path.join(tmp, "mirrors", "nss", "certdata.txt"),
    );
    const out = path.join(tmp, "out-nss");
    const r = await fetchMozilla({ from: `${base}/nss/`, out, now: new Date("2025-06-19T12:00:00Z") });
    expect(r).toMatchObject({ name: "mozilla:2025-06-19", written: true, roots: 142 });
    expect(tree(out)).toEqual(["mozilla/2025-06-19/certdata.txt"]);
    expect(
      readFileSync(path.join(out, "mozilla/2025-06-19/certdata.txt")).equals(
        readFileSync(dataPath("mozilla", "2025-06-19", "certdata.txt")),
      ),
    ).toBe(true);
  });

  it("a cut certdata.txt is refused with one line naming the URL, and nothing is written", async () => {
    const whole = readFileSync(dataPath("mozilla", "2025-06-19", "certdata.txt"));
    mkdirSync(path.join(tmp, "mirrors", "nss-cut"), { recursive: true });
    writeFileSync(path.join(tmp, "mirrors", "nss-cut", "certdata.txt"), whole.subarray(0, 500_000));
    const out = path.join(tmp, "out-nss-cut");
    const r = await runCli(["roots", "fetch", "mozilla", "--from", `${base}/nss-cut`, "--out", out], 60_000);
    expectOneLine(r, /nss-cut\/certdata\.txt: /);
    expect(tree(out).filter((f) => !f.startsWith("mozilla/.fetch"))).toEqual([]);
    expect(tree(out)).toEqual([]);
  }, 60_000);
});
